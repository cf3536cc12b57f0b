/**
 * @module One ICMP or ICMPv6 socket through FFI: opened non-blocking with kernel receive
 * timestamps (`SO_TIMESTAMPNS`) and a large receive buffer, sending with a `CLOCK_REALTIME`
 * stamp taken right before `sendto`, receiving in batches with `recvmmsg(MSG_DONTWAIT)`. Every
 * call returns at once, so it never blocks the event loop.
 */
import { C, type Libc, openLibc } from "./libc.ts";
import { decodeSockaddr, encodeSockaddr, SOCKADDR_MAX } from "./sockaddr.ts";
import { enableErrorQueue, errorQueueReader } from "../socket/error_queue.ts";
import type { SocketError } from "../socket/icmp_error.ts";
import { applySocketOptions, type SocketOptions } from "../socket/socket_options.ts";
import { echoFilterProgram, programBytes } from "./echo_filter.ts";

/** Writes a pointer-sized value as two 32-bit halves (no BigInt per call). */
function setPointer(view: DataView, offset: number, value: number): void {
  view.setUint32(offset, value % 4294967296, true);
  view.setUint32(offset + 4, Math.floor(value / 4294967296), true);
}

/** The address of a buffer's first byte (user-space pointers fit in 2^53). */
function addressOf(bytes: Uint8Array): number {
  return Number(Deno.UnsafePointer.value(Deno.UnsafePointer.of(bytes)));
}

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

/**
 * One packet as {@linkcode IcmpSocket.receiveEach} lends it: views into the socket's buffers,
 * valid only during the visit (the object itself is reused for the next packet).
 */
export interface PacketView {
  /** The receive buffer; the packet is `data[offset, offset + length)`. */
  data: Uint8Array;
  offset: number;
  length: number;
  /** The source address bytes (4 or 16) at `name[nameOffset..]`; `nameFamily` 0 if none. */
  name: Uint8Array;
  nameOffset: number;
  nameFamily: 0 | 4 | 6;
  receivedNs: number;
  /** TTL / hop limit from the control data, -1 when the kernel sent none. */
  hopLimit: number;
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

const MMSG = 64; // sizeof(struct mmsghdr) on LP64
const IOV = 16;
const CONTROL = 128; // SCM_TIMESTAMPNS (32 bytes) + IP_TTL / IPV6_HOPLIMIT (24 bytes)

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
  // A set bit blocks its type: pass echo replies (type 0 / 129) only, unless told otherwise.
  const pass = options.icmpTypes ?? [family === 4 ? 0 : 129];
  if (kind === "raw" && family === 4) {
    setopt(C.SOL_RAW, C.ICMP_FILTER, int(~pass.reduce((m, t) => m | (1 << t), 0)));
  } else if (kind === "raw") {
    const filter = new Uint32Array(8).fill(0xffffffff);
    for (const t of pass) filter[t >> 5] = filter[t >> 5]! & ~(1 << (t & 31));
    setopt(C.IPPROTO_ICMPV6, C.ICMP6_FILTER, new Uint8Array(filter.buffer));
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
  const headers = new Uint8Array(batch * MMSG);
  const headerView = new DataView(headers.buffer);
  const iovs = new Uint8Array(batch * IOV);
  const iovView = new DataView(iovs.buffer);
  const names = new Uint8Array(batch * SOCKADDR_MAX);
  const control = new Uint8Array(batch * CONTROL);
  const controlView = new DataView(control.buffer);
  const ptr = (b: Uint8Array, offset = 0) =>
    BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(b))) + BigInt(offset);
  let bufferSize = 0;
  let data = new Uint8Array(0);

  const allocate = (size: number) => {
    bufferSize = size;
    data = new Uint8Array(batch * size);
    for (let i = 0; i < batch; i++) {
      iovView.setBigUint64(i * IOV, ptr(data, i * size), true);
      iovView.setBigUint64(i * IOV + 8, BigInt(size), true);
      const h = i * MMSG;
      headerView.setBigUint64(h, ptr(names, i * SOCKADDR_MAX), true);
      headerView.setBigUint64(h + 16, ptr(iovs, i * IOV), true);
      headerView.setBigUint64(h + 24, 1n, true);
      headerView.setBigUint64(h + 32, ptr(control, i * CONTROL), true);
    }
  };
  allocate(2048);

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
  const view: PacketView = {
    data,
    offset: 0,
    length: 0,
    name: names,
    nameOffset: 0,
    nameFamily: 0,
    receivedNs: 0,
    hopLimit: -1,
    truncated: false,
  };
  const destinations = new Map<string, Uint8Array>();
  let closed = false;

  const socket: IcmpSocket = {
    family,
    kind,
    realtimeNs,
    send(ip, packet, ttl) {
      setTtl(ttl);
      let sa = destinations.get(ip);
      if (!sa) {
        if (destinations.size > 10_000) destinations.clear();
        sa = encodeSockaddr(ip, family);
        destinations.set(ip, sa);
      }
      const len = packet.byteLength;
      if (len !== lastLength) lastLengthBig = BigInt(lastLength = len);
      const sentNs = realtimeNs();
      const n = f.sendto(fd, packet, lastLengthBig, C.MSG_DONTWAIT, sa, sa.byteLength);
      if (Number(n) < 0) return { errno: libc.errno() };
      return { sentNs };
    },
    receiveEach(visit, max = batch) {
      let total = 0;
      while (total < max) {
        const want = Math.min(batch, max - total);
        for (let i = 0; i < want; i++) {
          const h = i * MMSG;
          headerView.setUint32(h + 8, SOCKADDR_MAX, true);
          setPointer(headerView, h + 40, CONTROL);
          headerView.setInt32(h + 48, 0, true);
        }
        const n = f.recvmmsg(fd, headers, want, C.MSG_DONTWAIT, null);
        if (n <= 0) break;
        const now = realtimeNs();
        for (let i = 0; i < n; i++) {
          const h = i * MMSG;
          const len = headerView.getUint32(h + 56, true);
          const flags = headerView.getInt32(h + 48, true);
          const nameLen = headerView.getUint32(h + 8, true);
          const controlLen = headerView.getUint32(h + 40, true);
          view.receivedNs = now;
          view.hopLimit = -1;
          for (let c = 0; c + 16 <= controlLen;) {
            const base = i * CONTROL + c;
            const cmsgLen = controlView.getUint32(base, true);
            if (cmsgLen < 16) break;
            const level = controlView.getInt32(base + 8, true);
            const type = controlView.getInt32(base + 12, true);
            if (level === C.SOL_SOCKET && type === C.SCM_TIMESTAMPNS && cmsgLen >= 32) {
              const sec = controlView.getUint32(base + 16, true) +
                controlView.getInt32(base + 20, true) * 4294967296;
              const nsec = controlView.getUint32(base + 24, true);
              view.receivedNs = (sec - baseSec) * 1e9 + nsec;
            } else if (
              cmsgLen >= 20 &&
              ((level === C.IPPROTO_IP && type === C.IP_TTL) ||
                (level === C.IPPROTO_IPV6 && type === C.IPV6_HOPLIMIT))
            ) {
              view.hopLimit = controlView.getInt32(base + 16, true);
            }
            c += (cmsgLen + 7) & ~7;
          }
          const nameAt = i * SOCKADDR_MAX;
          const saFamily = names[nameAt]! | (names[nameAt + 1]! << 8);
          if (saFamily === C.AF_INET && nameLen >= 8) {
            view.nameFamily = 4;
            view.nameOffset = nameAt + 4;
          } else if (saFamily === C.AF_INET6 && nameLen >= 24) {
            view.nameFamily = 6;
            view.nameOffset = nameAt + 8;
          } else view.nameFamily = 0;
          view.data = data;
          view.offset = i * bufferSize;
          view.length = Math.min(len, bufferSize);
          view.truncated = (flags & C.MSG_TRUNC) !== 0;
          visit(view);
        }
        total += n;
        if (n < want) break;
      }
      return total;
    },
    receive(max = batch) {
      const out: ReceivedPacket[] = [];
      socket.receiveEach((p) => {
        const at = p.nameOffset - (p.nameFamily === 6 ? 8 : 4);
        out.push({
          bytes: p.data.slice(p.offset, p.offset + p.length),
          source: p.nameFamily === 0
            ? undefined
            : decodeSockaddr(names.subarray(at), p.nameFamily === 4 ? 16 : 28),
          receivedNs: p.receivedNs,
          hopLimit: p.hopLimit < 0 ? undefined : p.hopLimit,
          truncated: p.truncated,
        });
      }, max);
      return out;
    },
    filterIdentifiers(base) {
      if (kind !== "raw") return false;
      const program = programBytes(echoFilterProgram(family, base));
      const fprog = new Uint8Array(16);
      const fprogView = new DataView(fprog.buffer);
      fprogView.setUint16(0, program.byteLength / 8, true);
      setPointer(fprogView, 8, addressOf(program));
      return setopt(C.SOL_SOCKET, C.SO_ATTACH_FILTER, fprog);
    },
    receiveErrors: (max) => closed || !options.errorQueue ? [] : readErrors(max),
    ensureCapacity(bytes) {
      const need = bytes + 8 + 60 + 64;
      if (need > bufferSize) allocate(Math.min(65_600, Math.max(need, bufferSize * 2)));
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
