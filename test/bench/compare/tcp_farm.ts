/**
 * @module A loopback TCP target farm: one listener on each of N distinct 127.x.y.z addresses, all
 * on one port, accepting and closing at once. Dispose to close every listener and connection.
 */
import { farmHost } from "./_common.ts";

/** The farm's addresses (`host:port`) and its accept count. */
export interface TcpFarm extends AsyncDisposable {
  readonly targets: string[];
  readonly port: number;
  /** Connections accepted so far. */
  accepted(): number;
}

/** Opens `n` listeners in `127.<net>.0.0/16` on one free port (retries a taken port a few times). */
export function startTcpFarm(n: number, net = 77): TcpFarm {
  for (let attempt = 0; attempt < 10; attempt++) {
    const first = Deno.listen({ hostname: farmHost(net, 0), port: 0 });
    const port = (first.addr as Deno.NetAddr).port;
    const listeners: Deno.TcpListener[] = [first];
    try {
      for (let i = 1; i < n; i++) listeners.push(Deno.listen({ hostname: farmHost(net, i), port }));
    } catch {
      listeners.forEach((l) => l.close());
      continue;
    }
    let accepted = 0;
    const loops = listeners.map(async (l) => {
      try {
        for await (const conn of l) {
          accepted++;
          try {
            conn.close();
          } catch { /* reset by the prober */ }
        }
      } catch { /* closed */ }
    });
    return {
      targets: listeners.map((_, i) => `${farmHost(net, i)}:${port}`),
      port,
      accepted: () => accepted,
      async [Symbol.asyncDispose]() {
        listeners.forEach((l) => l.close());
        await Promise.all(loops);
      },
    };
  }
  throw new Error(`Cannot open ${n} farm listeners on one port in 127.${net}.0.0/16`);
}
