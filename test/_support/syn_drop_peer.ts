/**
 * @module A loopback TCP port whose SYNs are dropped: a listener (our own FFI socket, backlog 0)
 * that never accepts, its accept queue filled by connections this helper holds. A connect to it
 * then gets no SYN-ACK and waits out its timeout, as behind a firewall that drops silently.
 */
import { encodeSockaddr } from "../../src/probes/icmp/sockaddr.ts";

/** The port, on `host`; dispose to close the listener and the filling connections. */
export interface SynDropPeer extends AsyncDisposable {
  readonly host: string;
  readonly port: number;
  /** Accepts (and closes) one queued connection: a slot frees, the next SYN retransmit gets in. */
  acceptOne(): void;
}

const SYMBOLS = {
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  bind: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  listen: { parameters: ["i32", "i32"], result: "i32" },
  getsockname: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  accept4: { parameters: ["i32", "pointer", "pointer", "i32"], result: "i32" },
} as const;

/** Opens the listener on `host` (127.0.0.1 or ::1) and fills its queue. */
export async function synDropPeer(host = "127.0.0.1"): Promise<SynDropPeer> {
  const family = host.includes(":") ? 6 : 4;
  const lib = Deno.dlopen("libc.so.6", SYMBOLS);
  const f = lib.symbols;
  const fd = f.socket(family === 4 ? 2 : 10, 1 | 0o2000000, 6);
  const sa = encodeSockaddr(host, family);
  if (fd < 0 || f.bind(fd, sa, sa.byteLength) !== 0 || f.listen(fd, 0) !== 0) {
    lib.close();
    throw new Error(`Cannot open a listener on ${host}`);
  }
  const len = new Uint32Array([sa.byteLength]);
  f.getsockname(fd, sa, new Uint8Array(len.buffer));
  const port = (sa[2]! << 8) | sa[3]!;
  const held: Deno.TcpConn[] = [];
  const pending: Promise<unknown>[] = [];
  // Connect until one hangs: from then on the queue is full and SYNs are dropped.
  for (let i = 0; i < 8; i++) {
    const abort = new AbortController();
    const c = Deno.connect({ hostname: host, port, signal: abort.signal });
    const won = await Promise.race([c, new Promise((r) => setTimeout(r, 700))]);
    if (won) {
      held.push(won as Deno.TcpConn);
      continue;
    }
    abort.abort();
    pending.push(c.catch(() => {}));
    break;
  }
  await Promise.all(pending);
  return {
    host,
    port,
    acceptOne() {
      const c = f.accept4(fd, null, null, 0o4000); // SOCK_NONBLOCK
      if (c >= 0) f.close(c);
    },
    [Symbol.asyncDispose]() {
      held.forEach((c) => c.close());
      f.close(fd);
      lib.close();
      return Promise.resolve();
    },
  };
}
