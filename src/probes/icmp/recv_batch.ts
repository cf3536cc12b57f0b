/**
 * @module Batched receive of one ICMP socket: `recvmmsg(MSG_DONTWAIT)` into buffers set up once
 * (message headers, iovecs, source names, control data), each packet lent to a visitor as a
 * reused {@linkcode PacketView} with its kernel stamp (`SCM_TIMESTAMPNS`) and TTL / hop limit
 * decoded from the control data: nothing is allocated per packet.
 */
import { C, type Libc } from "./libc.ts";
import { SOCKADDR_MAX } from "./sockaddr.ts";

/**
 * One packet as {@linkcode ReceiveBatch.receiveEach} lends it: views into the socket's buffers,
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

/** The receive side of one socket. */
export interface ReceiveBatch {
  /** Drains up to `max` queued packets without waiting or allocating; returns how many. */
  receiveEach(visit: (packet: PacketView) => void, max?: number): number;
  /** Grows the packet buffers to `size` bytes each. */
  allocate(size: number): void;
  /** Bytes per packet buffer now. */
  readonly bufferSize: number;
}

const MMSG = 64; // sizeof(struct mmsghdr) on LP64
const IOV = 16;
const CONTROL = 128; // SCM_TIMESTAMPNS (32 bytes) + IP_TTL / IPV6_HOPLIMIT (24 bytes)

/** Writes a pointer-sized value as two 32-bit halves (no BigInt per call). */
export function setPointer(view: DataView, offset: number, value: number): void {
  view.setUint32(offset, value % 4294967296, true);
  view.setUint32(offset + 4, Math.floor(value / 4294967296), true);
}

/** Options of {@linkcode createReceiveBatch}. */
export interface ReceiveBatchOptions {
  /** Messages per `recvmmsg` call. */
  batch: number;
  /** Stamps are ns since this `CLOCK_REALTIME` second (the socket's base). */
  baseSec: number;
  /** `CLOCK_REALTIME` now on that scale: the stamp of a packet without one. */
  realtimeNs: () => number;
}

/** Sets up the receive buffers of `fd` (packets of 2,048 bytes until `allocate()` grows them). */
export function createReceiveBatch(
  libc: Libc,
  fd: number,
  options: ReceiveBatchOptions,
): ReceiveBatch {
  const f = libc.symbols;
  const { batch, baseSec, realtimeNs } = options;
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

  /** Reads the stamp and TTL / hop limit of message `i` into `view`. */
  const readControl = (i: number, controlLen: number, now: number) => {
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
  };

  return {
    allocate,
    get bufferSize() {
      return bufferSize;
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
          readControl(i, headerView.getUint32(h + 40, true), now);
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
  };
}
