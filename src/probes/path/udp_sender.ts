/**
 * @module The UDP side of `protocol: udp` path probes: one datagram socket per run (so its
 * kernel-chosen source port tells this run's answers from any other's), sending through FFI
 * because the TTL is set per datagram (`IP_TTL` / `IPV6_UNICAST_HOPS`), which Deno's own UDP
 * sockets cannot do. With a raw ICMP socket the answers (time exceeded, port unreachable) come
 * back there, quoting our ports; without one (`errorQueue`), the kernel queues them on this
 * socket (`IP_RECVERR`), the router's address as the offender.
 */
import { C, type Libc, openLibc } from "../icmp/libc.ts";
import { setTtl, sockaddrWithPort } from "./ttl_socket_ffi.ts";
import { enableErrorQueue, errorQueueReader } from "../socket/error_queue.ts";
import type { SocketError } from "../socket/icmp_error.ts";
import { applySocketOptions, type SocketOptions } from "../socket/socket_options.ts";

/** Errnos a pending socket error (an ICMP error about an earlier datagram) makes a send return. */
const PENDING_ERRNOS = new Set([111, 113, 101, 112, 71, 90]);

/** One run's UDP socket. */
export interface UdpSender extends Disposable {
  /** The source port the kernel chose. */
  readonly port: number;
  /** Sends `payload` to `ip`:`port` with this TTL; the errno when it failed. */
  send(ip: string, port: number, payload: Uint8Array, ttl: number): { errno: number } | undefined;
  /** `CLOCK_REALTIME` now, ns (the scale of the errors' `stampNs`). */
  realtimeNs?(): number;
  /** The errors queued about our datagrams (opened with `errorQueue` only), kernel-stamped. */
  receiveErrors?(max?: number): SocketError[];
  close(): void;
}

/** Options of {@linkcode openUdpSender}. */
export interface UdpSenderOptions {
  /** dscp, source address or interface. */
  socketOptions?: SocketOptions;
  /** Turn on `IP_RECVERR` / `IPV6_RECVERR` and read the errors with `receiveErrors()`. */
  errorQueue?: boolean;
}

/** Opens a non-blocking UDP socket of `family` bound to an ephemeral port; throws on failure. */
export function openUdpSender(family: 4 | 6, options: UdpSenderOptions = {}): UdpSender {
  const libc: Libc = openLibc();
  const f = libc.symbols;
  const fd = f.socket(
    family === 4 ? C.AF_INET : C.AF_INET6,
    C.SOCK_DGRAM | C.SOCK_NONBLOCK | C.SOCK_CLOEXEC,
    0,
  );
  if (fd < 0) {
    const e = libc.errno();
    libc.close();
    throw new Error(`Cannot open a UDP socket: errno ${e}`);
  }
  const fail = (why: string): never => {
    f.close(fd);
    libc.close();
    throw new Error(why);
  };
  if (options.errorQueue) {
    if (!enableErrorQueue(libc, fd, family)) fail(`Cannot set IP_RECVERR: errno ${libc.errno()}`);
    f.setsockopt(fd, C.SOL_SOCKET, C.SO_TIMESTAMPNS, new Uint8Array(new Int32Array([1]).buffer), 4);
  }
  const ts = new BigInt64Array(2);
  const tsBytes = new Uint8Array(ts.buffer);
  const o = options.socketOptions ?? {};
  const why = applySocketOptions(libc, fd, family, o);
  if (why) fail(why);
  const name = new Uint8Array(28);
  const len = new Uint32Array([28]);
  if (!o.sourceIp) {
    // applySocketOptions bound it already when a source address was given.
    const any = new Uint8Array(family === 4 ? 16 : 28);
    any[0] = family === 4 ? C.AF_INET : C.AF_INET6;
    if (f.bind(fd, any, any.byteLength) !== 0) {
      fail(`Cannot bind a UDP socket: errno ${libc.errno()}`);
    }
  }
  if (f.getsockname(fd, name, new Uint8Array(len.buffer)) !== 0) {
    fail(`Cannot bind a UDP socket: errno ${libc.errno()}`);
  }
  const port = (name[2]! << 8) | name[3]!;
  const readErrors = options.errorQueue ? errorQueueReader(libc, fd) : undefined;
  let ttlNow = -1;
  let closed = false;
  const sender: UdpSender = {
    port,
    realtimeNs() {
      f.clock_gettime(C.CLOCK_REALTIME, tsBytes);
      return Number(ts[0]!) * 1e9 + Number(ts[1]!);
    },
    send(ip, dport, payload, ttl) {
      if (ttl !== ttlNow) {
        if (setTtl(f, fd, family, ttl) !== 0) return { errno: libc.errno() };
        ttlNow = ttl;
      }
      const sa = sockaddrWithPort(ip, family, dport);
      const once = () =>
        Number(
          f.sendto(fd, payload, BigInt(payload.byteLength), C.MSG_DONTWAIT, sa, sa.byteLength),
        );
      let n = once();
      // With IP_RECVERR each queued ICMP error also sets the socket's pending error, which a
      // send returns once instead of sending: the error itself stays queued; send again.
      for (let i = 0; n < 0 && readErrors && i < 8 && PENDING_ERRNOS.has(libc.errno()); i++) {
        n = once();
      }
      return n < 0 ? { errno: libc.errno() } : undefined;
    },
    close() {
      if (closed) return;
      closed = true;
      f.close(fd);
      libc.close();
    },
    [Symbol.dispose]() {
      sender.close();
    },
  };
  if (readErrors) sender.receiveErrors = (max) => (closed ? [] : readErrors(max));
  return sender;
}
