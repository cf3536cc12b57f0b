/**
 * @module One ICMP or ICMPv6 socket through FFI: opened non-blocking with kernel receive
 * timestamps (`SO_TIMESTAMPNS`) and a large receive buffer, sending with a `CLOCK_REALTIME`
 * stamp taken right before `sendto`, receiving in batches with `recvmmsg(MSG_DONTWAIT)`. Every
 * call returns at once, so it never blocks the event loop.
 */
import { C, type Libc, openLibc } from "./libc.ts";
import { decodeSockaddr, sockaddrLength, writeSockaddr } from "./sockaddr.ts";
import { AddressChunks } from "./address_chunks.ts";
import { enableErrorQueue, errorQueueReader } from "../socket/error_queue.ts";
import type { SocketError } from "../socket/icmp_error.ts";
import { applySocketOptions, type SocketOptions } from "../socket/socket_options.ts";
import { createReceiveBatch, type PacketView } from "./recv_batch.ts";
import { attachIdentifierFilter, setTypeFilter } from "./icmp_filters.ts";

export type { PacketView };

/** `dgram`: unprivileged ICMP datagram socket; `raw`: raw socket (root or CAP_NET_RAW). */
export type SocketKind = "dgram" | "raw";

/** One packet drained from the socket. */
export interface ReceivedPacket {
  /** The bytes (a copy). IPv4 raw sockets include the IP header. */
  bytes: Uint8Array;
  /** Canonical source address text, if the kernel reported one. */
  source: string | undefined;
  /** Kernel receive time, ns on this socket's realtime scale (see `realtimeNs`). */
  receivedNs: number;
  /** TTL (IPv4) or hop limit (IPv6) from the control data, when the kernel sent one. */
  hopLimit?: number;
  truncated: boolean;
}

/** A non-blocking ICMP socket of one family. */
export interface IcmpSocket extends Disposable {
  readonly family: 4 | 6;
  readonly kind: SocketKind;
  /** `CLOCK_REALTIME` now, in ns since this socket's base second (exact for ~100 days). */
  realtimeNs(): number;
  /**
   * Sends one packet; returns the realtime stamp taken right before `sendto`, or the errno of a
   * failed send.
   */
  send(ip: string, packet: Uint8Array, ttl?: number): { sentNs: number } | { errno: number };
  /** Drains up to `max` queued packets without waiting (copies; see `receiveEach`). */
  receive(max?: number): ReceivedPacket[];
  /** Drains up to `max` queued packets without waiting or allocating; returns how many. */
  receiveEach(visit: (packet: PacketView) => void, max?: number): number;
  /**
   * Raw sockets: from now on the kernel passes only echo replies whose identifier is in
   * `base..base+15` and ICMP errors (see echo_filter.ts). False where it cannot (datagram
   * sockets: the kernel already passes only replies to this socket's own identifier).
   */
  filterIdentifiers(base: number): boolean;
  /**
   * Drains the ICMP errors (unreachable, time exceeded, too big) the kernel queued about our
   * requests (`IP_RECVERR`); fakes may leave it out.
   */
  receiveErrors?(max?: number): SocketError[];
  /** Grows the receive buffers so a packet of `bytes` is not truncated. */
  ensureCapacity(bytes: number): void;
  close(): void;
}

/** Options of {@linkcode openIcmpSocket}. */
export interface IcmpSocketOptions {
  libc?: Libc;
  /** Receive buffer to ask for (forced past `rmem_max` when privileged). */
  receiveBufferBytes?: number;
  /** Messages per `recvmmsg` call. */
  batch?: number;
  /** dscp, source address or interface, dont_fragment (see socket_options.ts). */
  socketOptions?: SocketOptions;
  /** Turn on `IP_RECVERR` and read the errors with `receiveErrors()` (the echo channel does). */
  errorQueue?: boolean;
  /**
   * ICMP types a raw socket lets through (the kernel drops the rest). Default: echo replies
   * only; path probes add time exceeded and destination unreachable.
   */
  icmpTypes?: readonly number[];
}

/** Defaults of {@linkcode IcmpSocketOptions}: a 4 MiB receive buffer, 64 messages per call. */
export const DEFAULTS = {
  receiveBufferBytes: 4 * 1024 * 1024,
  batch: 64,
} as const satisfies IcmpSocketOptions;

/** Opening failed; `errno` says why (EACCES/EPERM: no privilege). */
export class SocketOpenError extends Error {
  constructor(readonly errno: number, message: string) {
    super(message);
    this.name = "SocketOpenError";
  }
}

/** Opens an ICMP socket; throws {@linkcode SocketOpenError} or FFI permission errors. */
export function openIcmpSocket(
  family: 4 | 6,
  kind: SocketKind,
  options: IcmpSocketOptions = {},
): IcmpSocket {
  const libc = options.libc ?? openLibc();
  const f = libc.symbols;
  const domain = family === 4 ? C.AF_INET : C.AF_INET6;
  const type = (kind === "raw" ? C.SOCK_RAW : C.SOCK_DGRAM) | C.SOCK_NONBLOCK | C.SOCK_CLOEXEC;
  const fd = f.socket(domain, type, family === 4 ? C.IPPROTO_ICMP : C.IPPROTO_ICMPV6);
  if (fd < 0) {
    const errno = libc.errno();
    if (!options.libc) libc.close();
    throw new SocketOpenError(
      errno,
      `Cannot open ${kind} ICMPv${family} socket: errno ${errno}`,
    );
  }
  const int = (v: number) => new Uint8Array(new Int32Array([v]).buffer);
  const setopt = (level: number, name: number, value: Uint8Array) =>
    f.setsockopt(fd, level, name, value, value.byteLength) === 0;

  setopt(C.SOL_SOCKET, C.SO_TIMESTAMPNS, int(1));
  // ICMP errors about our requests (unreachable, time exceeded, too big) go to the error queue;
  // datagram sockets have no other way to see them, raw ones filter them out below. Only for a
  // socket whose owner reads the queue: with IP_RECVERR each error also sets the socket's
  // pending error (the next send returns it) and the queue holds receive buffer until read.
  if (options.errorQueue) enableErrorQueue(libc, fd, family);
  const why = options.socketOptions
    ? applySocketOptions(libc, fd, family, options.socketOptions)
    : undefined;
  if (why) {
    f.close(fd);
    if (!options.libc) libc.close();
    throw new SocketOpenError(0, why);
  }
  const readErrors = errorQueueReader(libc, fd);
  // The reply's TTL / hop limit as control data (`probe_icmp_reply_hop_limit`); raw IPv4
  // sockets also have it in the IP header.
  if (family === 4) setopt(C.IPPROTO_IP, C.IP_RECVTTL, int(1));
  else setopt(C.IPPROTO_IPV6, C.IPV6_RECVHOPLIMIT, int(1));
  const rcvbuf = options.receiveBufferBytes ?? DEFAULTS.receiveBufferBytes;
  if (!setopt(C.SOL_SOCKET, C.SO_RCVBUFFORCE, int(rcvbuf))) {
    setopt(C.SOL_SOCKET, C.SO_RCVBUF, int(rcvbuf));
  }
  // Raw sockets: echo replies (type 0 / 129) only, unless told otherwise.
  if (kind === "raw") {
    setTypeFilter(libc, fd, family, options.icmpTypes ?? [family === 4 ? 0 : 129]);
  }

  const ts = new Uint32Array(4);
  const tsBytes = new Uint8Array(ts.buffer);
  f.clock_gettime(C.CLOCK_REALTIME, tsBytes);
  const baseSec = ts[0]! + ts[1]! * 2 ** 32;
  const realtimeNs = () => {
    f.clock_gettime(C.CLOCK_REALTIME, tsBytes);
    return (ts[0]! + ts[1]! * 2 ** 32 - baseSec) * 1e9 + ts[2]!;
  };

  const batch = options.batch ?? DEFAULTS.batch;
  const received = createReceiveBatch(libc, fd, { batch, baseSec, realtimeNs });

  let ttlNow = -1;
  const setTtl = (ttl: number | undefined) => {
    if (ttl === undefined || ttl === ttlNow) return;
    const ok = family === 4
      ? setopt(C.IPPROTO_IP, C.IP_TTL, int(ttl))
      : setopt(C.IPPROTO_IPV6, C.IPV6_UNICAST_HOPS, int(ttl));
    if (ok) ttlNow = ttl;
  };
  let lastLength = 0;
  let lastLengthBig = 0n; // size_t wants a BigInt: one per distinct length, not per packet
  // Each destination's sockaddr is made once, in chunks shared by 256 of them (no buffer of its
  // own: ~350 bytes each), and copied into one scratch sockaddr per send.
  const saLength = sockaddrLength(family);
  const sa = new Uint8Array(saLength);
  let chunks = new AddressChunks(saLength);
  let destinations = new Map<string, { bytes: Uint8Array; at: number }>();
  let closed = false;

  const socket: IcmpSocket = {
    family,
    kind,
    realtimeNs,
    send(ip, packet, ttl) {
      setTtl(ttl);
      let d = destinations.get(ip);
      if (!d) {
        if (destinations.size >= 65_536) {
          destinations = new Map();
          chunks = new AddressChunks(saLength);
        }
        d = chunks.reserve();
        writeSockaddr(ip, family, d.bytes, d.at);
        destinations.set(ip, d);
      }
      for (let i = 0; i < saLength; i++) sa[i] = d.bytes[d.at + i]!;
      const len = packet.byteLength;
      if (len !== lastLength) lastLengthBig = BigInt(lastLength = len);
      const sentNs = realtimeNs();
      const n = f.sendto(fd, packet, lastLengthBig, C.MSG_DONTWAIT, sa, saLength);
      if (Number(n) < 0) return { errno: libc.errno() };
      return { sentNs };
    },
    receiveEach: (visit, max = batch) => received.receiveEach(visit, max),
    receive(max = batch) {
      const out: ReceivedPacket[] = [];
      socket.receiveEach((p) => {
        const at = p.nameOffset - (p.nameFamily === 6 ? 8 : 4);
        out.push({
          bytes: p.data.slice(p.offset, p.offset + p.length),
          source: p.nameFamily === 0
            ? undefined
            : decodeSockaddr(p.name.subarray(at), p.nameFamily === 4 ? 16 : 28),
          receivedNs: p.receivedNs,
          hopLimit: p.hopLimit < 0 ? undefined : p.hopLimit,
          truncated: p.truncated,
        });
      }, max);
      return out;
    },
    filterIdentifiers: (base) => kind === "raw" && attachIdentifierFilter(libc, fd, family, base),
    receiveErrors: (max) => closed || !options.errorQueue ? [] : readErrors(max),
    ensureCapacity(bytes) {
      const need = bytes + 8 + 60 + 64;
      const size = received.bufferSize;
      if (need > size) received.allocate(Math.min(65_600, Math.max(need, size * 2)));
    },
    close() {
      if (closed) return;
      closed = true;
      f.close(fd);
      if (!options.libc) libc.close();
    },
    [Symbol.dispose]() {
      socket.close();
    },
  };
  return socket;
}
