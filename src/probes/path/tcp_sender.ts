/**
 * @module The TCP side of `protocol: tcp` path probes (tcptraceroute's way): each probe is a
 * non-blocking `connect()` from a socket of its own with the TTL set first, so its SYN carries
 * that TTL and a source port no other socket holds while it is open. Routers answer with time
 * exceeded quoting our ports (read on the raw ICMP socket); the destination completes the
 * handshake or resets it, which the socket's state shows (polled, so that RTT is on the poll's
 * few-millisecond grain, not a kernel stamp). Through FFI: Deno's `connect` sets no TTL.
 */
import { C, openLibc } from "../icmp/libc.ts";
import { setTtl, sockaddrWithPort } from "./ttl_socket_ffi.ts";
import { applySocketOptions, type SocketOptions } from "../socket/socket_options.ts";
import { enableErrorQueue, errorQueueReader } from "../socket/error_queue.ts";
import type { SocketError } from "../socket/icmp_error.ts";

const SOCK_STREAM = 1;
const SO_ERROR = 4;
const EINPROGRESS = 115;
const ECONNREFUSED = 111;

/** One SYN in flight. */
export interface TcpProbeSocket {
  /** The source port the kernel chose. */
  readonly port: number;
  /** `pending` while the handshake is open; `open` (SYN-ACK) or `refused` (RST): the host answered. */
  state(): "pending" | "open" | "refused" | "failed";
  /** The ICMP errors queued about its SYN (sender opened with `errorQueue` only); read before `state()`. */
  receiveErrors?(): SocketError[];
  close(): void;
}

/** Opens TCP probe sockets of one family. */
export interface TcpSender {
  /** Starts a connect to `ip`:`port` with `ttl`; the errno when it could not. */
  connect(ip: string, port: number, ttl: number): TcpProbeSocket | { errno: number };
  /** `CLOCK_REALTIME` now, ns (the scale of queued errors' `stampNs`). */
  realtimeNs?(): number;
}

/**
 * The sender of `family`, each socket with `socketOptions` (dscp, source address or interface)
 * set before its SYN; opens the C library (throws without FFI).
 */
export function openTcpSender(
  family: 4 | 6,
  socketOptions: SocketOptions = {},
  errorQueue = false,
): TcpSender {
  const libc = openLibc();
  const f = libc.symbols;
  const errno = () => libc.errno();
  const name = new Uint8Array(28);
  const len = new Uint32Array(1);
  const lenBytes = new Uint8Array(len.buffer);
  const value = new Int32Array(1);
  const valueBytes = new Uint8Array(value.buffer);
  const one = new Uint8Array(new Int32Array([1]).buffer);
  const ts = new BigInt64Array(2);
  const tsBytes = new Uint8Array(ts.buffer);
  return {
    realtimeNs() {
      f.clock_gettime(C.CLOCK_REALTIME, tsBytes);
      return Number(ts[0]!) * 1e9 + Number(ts[1]!);
    },
    connect(ip, port, ttl) {
      const fd = f.socket(
        family === 4 ? C.AF_INET : C.AF_INET6,
        SOCK_STREAM | C.SOCK_NONBLOCK | C.SOCK_CLOEXEC,
        0,
      );
      if (fd < 0) return { errno: errno() };
      const fail = () => {
        const e = errno();
        f.close(fd);
        return { errno: e };
      };
      if (setTtl(f, fd, family, ttl) !== 0) return fail();
      if (applySocketOptions(libc, fd, family, socketOptions) !== undefined) return fail();
      if (errorQueue) {
        if (!enableErrorQueue(libc, fd, family)) return fail();
        f.setsockopt(fd, C.SOL_SOCKET, C.SO_TIMESTAMPNS, one, 4);
      }
      const sa = sockaddrWithPort(ip, family, port);
      if (f.connect(fd, sa, sa.byteLength) !== 0 && errno() !== EINPROGRESS) return fail();
      len[0] = 28;
      if (f.getsockname(fd, name, lenBytes) !== 0) return fail();
      const sport = (name[2]! << 8) | name[3]!;
      let closed = false;
      const readErrors = errorQueue ? errorQueueReader(libc, fd) : undefined;
      return {
        port: sport,
        ...(readErrors ? { receiveErrors: () => (closed ? [] : readErrors(8)) } : {}),
        state() {
          if (closed) return "failed";
          len[0] = 4;
          value[0] = 0;
          f.getsockopt(fd, C.SOL_SOCKET, SO_ERROR, valueBytes, lenBytes);
          if (value[0] === ECONNREFUSED) return "refused";
          if (value[0] !== 0) return "failed";
          len[0] = 28;
          return f.getpeername(fd, name, lenBytes) === 0 ? "open" : "pending";
        },
        close() {
          if (closed) return;
          closed = true;
          f.close(fd);
        },
      };
    },
  };
}
