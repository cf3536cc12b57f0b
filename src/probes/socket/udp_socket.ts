/**
 * @module Our own UDP socket through FFI: non-blocking, with `IP_RECVERR` / `IPV6_RECVERR` so
 * an ICMP port unreachable (or host unreachable, too big…) about a datagram we sent reaches its
 * probe in about one RTT, and with the module's socket options (dscp, source, interface).
 * Deno's own UDP sockets cannot do either. It is read every `pollMs` while an exchange waits,
 * and not at all otherwise; each datagram carries its kernel receive stamp (`SO_TIMESTAMPNS`),
 * so the RTT does not include the poll's delay.
 */
import type { Clock } from "../../base/clock.ts";
import { systemClock } from "../../base/clock.ts";
import { C, type Libc, openLibc } from "../icmp/libc.ts";
import { decodeSockaddr, encodeSockaddr, SOCKADDR_MAX } from "../icmp/sockaddr.ts";
import { SendError, type UdpTransport } from "../udp_transport.ts";
import { enableErrorQueue, errorQueueReader, offHeap } from "./error_queue.ts";
import { applySocketOptions, type SocketOptions } from "./socket_options.ts";

/** Options of {@linkcode openUdpSocket}. */
export interface UdpSocketOptions {
  libc?: Libc;
  clock?: Clock;
  socketOptions?: SocketOptions;
  /** How often the socket is read while an exchange waits. Default 1 ms. */
  pollMs?: number;
  /** How often while only late replies may come. Default 50 ms. */
  heldPollMs?: number;
}

/** Receive buffer asked for. */
const RCVBUF = 4 * 1024 * 1024;

/** Errnos a pending socket error (an ICMP error about an earlier datagram) makes a send return. */
const PENDING_ERRNOS = new Set([111, 113, 101, 112, 71, 90]);

/** Opens the socket; throws when FFI is not allowed or a socket option fails. */
export function openUdpSocket(family: 4 | 6, options: UdpSocketOptions = {}): UdpTransport {
  const libc = options.libc ?? openLibc();
  const f = libc.symbols;
  const clock = options.clock ?? systemClock;
  const pollMs = options.pollMs ?? 1;
  const heldPollMs = options.heldPollMs ?? 50;
  const domain = family === 4 ? C.AF_INET : C.AF_INET6;
  const fd = f.socket(domain, C.SOCK_DGRAM | C.SOCK_NONBLOCK | C.SOCK_CLOEXEC, C.IPPROTO_UDP);
  if (fd < 0) {
    const errno = libc.errno();
    if (!options.libc) libc.close();
    throw new Error(`Cannot open a UDP socket: errno ${errno}`);
  }
  const fail = (why: string): never => {
    f.close(fd);
    if (!options.libc) libc.close();
    throw new Error(why);
  };
  const int = (v: number) => new Uint8Array(new Int32Array([v]).buffer);
  f.setsockopt(fd, C.SOL_SOCKET, C.SO_TIMESTAMPNS, int(1), 4);
  // Read every 1 ms rather than as they come: a burst of replies (hundreds of probes in flight
  // on one socket) must fit in the queue meanwhile. 4 MiB, past rmem_max where privileged.
  if (f.setsockopt(fd, C.SOL_SOCKET, C.SO_RCVBUFFORCE, int(RCVBUF), 4) !== 0) {
    f.setsockopt(fd, C.SOL_SOCKET, C.SO_RCVBUF, int(RCVBUF), 4);
  }
  if (!enableErrorQueue(libc, fd, family)) fail(`Cannot set IP_RECVERR: errno ${libc.errno()}`);
  if (family === 6) f.setsockopt(fd, C.IPPROTO_IPV6, 26, /* IPV6_V6ONLY */ int(1), 4);
  const why = options.socketOptions
    ? applySocketOptions(libc, fd, family, options.socketOptions)
    : undefined;
  if (why) fail(why);
  const readErrors = errorQueueReader(libc, fd);

  const ts = new BigInt64Array(2);
  const tsBytes = new Uint8Array(ts.buffer);
  const realtimeNs = () => {
    f.clock_gettime(C.CLOCK_REALTIME, tsBytes);
    return Number(ts[0]!) * 1e9 + Number(ts[1]!);
  };
  // The kernel writes through pointers stored in `header`: every buffer they point at must not
  // move. V8 keeps small typed arrays (<= 64 bytes) inside its heap, where a GC moves them, so
  // each is a view on an ArrayBuffer of its own, which stays put (see offHeap()).
  const name = offHeap(SOCKADDR_MAX);
  const data = offHeap(65536);
  const control = offHeap(128);
  const iov = offHeap(16);
  const header = offHeap(56);
  const view = new DataView(header.buffer);
  const controlView = new DataView(control.buffer);
  const ptr = (b: Uint8Array) => BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(b)));
  const iovView = new DataView(iov.buffer);
  iovView.setBigUint64(0, ptr(data), true);
  view.setBigUint64(0, ptr(name), true);
  view.setBigUint64(16, ptr(iov), true);
  view.setBigUint64(24, 1n, true);
  view.setBigUint64(32, ptr(control), true);

  let closed = false;
  let wake: (() => void) | undefined;
  const stop = new AbortController();
  let sinkRef: Parameters<UdpTransport["run"]>[0] | undefined;

  const drainErrors = () => {
    for (const e of readErrors()) sinkRef?.error(e);
  };
  const drain = () => {
    drainErrors();
    for (let i = 0; i < 4096; i++) {
      // Touching the iovec here keeps it alive with this closure (see error_queue.ts).
      iovView.setBigUint64(8, BigInt(data.length), true);
      view.setUint32(8, SOCKADDR_MAX, true);
      view.setBigUint64(40, BigInt(control.length), true);
      const n = Number(f.recvmsg(fd, header, C.MSG_DONTWAIT));
      if (n < 0) {
        // A pending ICMP error is returned once instead of data: read the queue, go on.
        if (libc.errno() === C.EAGAIN) break;
        drainErrors();
        continue;
      }
      const source = decodeSockaddr(name, view.getUint32(8, true));
      if (source === undefined) continue;
      const port = (name[2]! << 8) | name[3]!;
      let ageMs = 0;
      const controlLength = Math.min(Number(view.getBigUint64(40, true)), control.length);
      for (let c = 0; c + 32 <= controlLength;) {
        const len = Number(controlView.getBigUint64(c, true));
        if (len < 16) break;
        if (
          controlView.getInt32(c + 8, true) === C.SOL_SOCKET &&
          controlView.getInt32(c + 12, true) === C.SCM_TIMESTAMPNS && len >= 32
        ) {
          const sec = Number(controlView.getBigInt64(c + 16, true));
          const nsec = Number(controlView.getBigInt64(c + 24, true));
          ageMs = Math.max(0, (realtimeNs() - (sec * 1e9 + nsec)) / 1e6);
        }
        c += (len + 7) & ~7;
      }
      sinkRef?.datagram(data.slice(0, Math.min(n, data.length)), source, port, ageMs);
    }
  };

  const sendOnce = (payload: Uint8Array, sa: Uint8Array) =>
    Number(f.sendto(fd, payload, BigInt(payload.byteLength), C.MSG_DONTWAIT, sa, sa.byteLength));

  return {
    send(payload, ip, port) {
      if (closed) return Promise.reject(new Error("UDP socket is closed"));
      const sa = encodeSockaddr(ip, family);
      sa[2] = port >> 8;
      sa[3] = port & 0xff;
      let n = sendOnce(payload, sa);
      let errno = n < 0 ? libc.errno() : 0;
      if (n < 0 && PENDING_ERRNOS.has(errno)) {
        // An ICMP error about an earlier datagram set the socket's pending error, which this
        // send returned: reading the queue hands it to its probe and clears it; send again.
        drainErrors();
        n = sendOnce(payload, sa);
        errno = n < 0 ? libc.errno() : 0;
      }
      wake?.();
      if (n < 0) return Promise.reject(new SendError(errno, `sendto failed: errno ${errno}`));
      return Promise.resolve();
    },
    async run(sink) {
      sinkRef = sink;
      while (!closed) {
        const busy = sink.busy();
        if (busy === "idle") {
          await new Promise<void>((r) => (wake = r));
          wake = undefined;
          continue;
        }
        drain();
        const sleep = new AbortController();
        const onStop = () => sleep.abort();
        stop.signal.addEventListener("abort", onStop, { once: true });
        // A send while polling slowly wakes the loop to poll often at once.
        if (busy === "held") wake = () => sleep.abort();
        await clock.sleep(busy === "active" ? pollMs : heldPollMs, sleep.signal).catch(() => {});
        stop.signal.removeEventListener("abort", onStop);
        wake = undefined;
      }
    },
    close() {
      if (closed) return;
      closed = true;
      stop.abort();
      wake?.();
      f.close(fd);
      if (!options.libc) libc.close();
    },
  };
}
