/** @module Loopback UDP responders for probe tests: echo, prefix, silent, delayed, twice, wrong source. */

/** How a responder answers each datagram. */
export interface UdpResponderOptions {
  hostname?: string;
  /** `echo` (default): the datagram back; `silent`: nothing. */
  mode?: "echo" | "silent";
  /** Bytes put before the echoed datagram. */
  prefix?: string;
  /** Delay (ms) before answering the n-th datagram (0-based); default none. */
  delayMs?: (n: number) => number;
  /** Answer this many times. Default 1. */
  times?: number;
  /** Answer from a second socket (another port): a wrong-source reply. */
  fromOtherSocket?: boolean;
}

/** A running responder; dispose to stop it. */
export interface UdpResponder extends AsyncDisposable {
  port: number;
  hostname: string;
  received: number;
}

/** Starts a responder on an ephemeral loopback port. */
export function startUdpResponder(options: UdpResponderOptions = {}): UdpResponder {
  const hostname = options.hostname ?? "127.0.0.1";
  const conn = Deno.listenDatagram({ transport: "udp", hostname, port: 0 });
  const other = options.fromOtherSocket
    ? Deno.listenDatagram({ transport: "udp", hostname, port: 0 })
    : undefined;
  const prefix = new TextEncoder().encode(options.prefix ?? "");
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const state = { received: 0 };
  const loop = (async () => {
    while (true) {
      let data: Uint8Array;
      let addr: Deno.Addr;
      try {
        [data, addr] = await conn.receive();
      } catch {
        return;
      }
      const n = state.received++;
      if (options.mode === "silent") continue;
      const reply = new Uint8Array(prefix.length + data.length);
      reply.set(prefix);
      reply.set(data, prefix.length);
      const send = () => {
        for (let i = 0; i < (options.times ?? 1); i++) {
          (other ?? conn).send(reply, addr).catch(() => {});
        }
      };
      const delay = options.delayMs?.(n) ?? 0;
      if (delay > 0) {
        const t = setTimeout(() => {
          timers.delete(t);
          send();
        }, delay);
        timers.add(t);
      } else send();
    }
  })();
  return {
    port: (conn.addr as Deno.NetAddr).port,
    hostname,
    get received() {
      return state.received;
    },
    async [Symbol.asyncDispose]() {
      for (const t of timers) clearTimeout(t);
      conn.close();
      other?.close();
      await loop;
    },
  };
}
