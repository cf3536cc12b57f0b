/**
 * @module The UDP side of `protocol: udp` path probes: one datagram socket per run (so its
 * kernel-chosen source port tells this run's answers from any other's), sending through FFI
 * because the TTL is set per datagram (`IP_TTL` / `IPV6_UNICAST_HOPS`), which Deno's own UDP
 * sockets cannot do. The answers (time exceeded, port unreachable) come back on the raw ICMP
 * socket, quoting our ports.
 */
import { C } from "../icmp/libc.ts";
import { errnoReader, setTtl, sockaddrWithPort } from "./ttl_socket_ffi.ts";

const SYMBOLS = {
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  bind: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  getsockname: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  setsockopt: { parameters: ["i32", "i32", "i32", "buffer", "u32"], result: "i32" },
  sendto: { parameters: ["i32", "buffer", "usize", "i32", "buffer", "u32"], result: "isize" },
  close: { parameters: ["i32"], result: "i32" },
  __errno_location: { parameters: [], result: "pointer" },
} as const;

/** One run's UDP socket. */
export interface UdpSender extends Disposable {
  /** The source port the kernel chose. */
  readonly port: number;
  /** Sends `payload` to `ip`:`port` with this TTL; the errno when it failed. */
  send(ip: string, port: number, payload: Uint8Array, ttl: number): { errno: number } | undefined;
  close(): void;
}

let lib: Deno.DynamicLibrary<typeof SYMBOLS> | undefined;

/** Opens a non-blocking UDP socket of `family` bound to an ephemeral port; throws on failure. */
export function openUdpSender(family: 4 | 6): UdpSender {
  lib ??= Deno.dlopen("libc.so.6", SYMBOLS);
  const f = lib.symbols;
  const errno = errnoReader(f);
  const fd = f.socket(
    family === 4 ? C.AF_INET : C.AF_INET6,
    C.SOCK_DGRAM | C.SOCK_NONBLOCK | C.SOCK_CLOEXEC,
    0,
  );
  if (fd < 0) throw new Error(`Cannot open a UDP socket: errno ${errno()}`);
  const any = new Uint8Array(family === 4 ? 16 : 28);
  any[0] = family === 4 ? C.AF_INET : C.AF_INET6;
  const name = new Uint8Array(28);
  const len = new Uint32Array([28]);
  if (
    f.bind(fd, any, any.byteLength) !== 0 ||
    f.getsockname(fd, name, new Uint8Array(len.buffer)) !== 0
  ) {
    const e = errno();
    f.close(fd);
    throw new Error(`Cannot bind a UDP socket: errno ${e}`);
  }
  const port = (name[2]! << 8) | name[3]!;
  let ttlNow = -1;
  let closed = false;
  const sender: UdpSender = {
    port,
    send(ip, dport, payload, ttl) {
      if (ttl !== ttlNow) {
        if (setTtl(f, fd, family, ttl) !== 0) return { errno: errno() };
        ttlNow = ttl;
      }
      const sa = sockaddrWithPort(ip, family, dport);
      const n = f.sendto(
        fd,
        payload,
        BigInt(payload.byteLength),
        C.MSG_DONTWAIT,
        sa,
        sa.byteLength,
      );
      return Number(n) < 0 ? { errno: errno() } : undefined;
    },
    close() {
      if (closed) return;
      closed = true;
      f.close(fd);
    },
    [Symbol.dispose]() {
      sender.close();
    },
  };
  return sender;
}
