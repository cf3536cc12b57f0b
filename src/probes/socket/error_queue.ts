/**
 * @module Reads a socket's error queue (`recvmsg(MSG_ERRQUEUE | MSG_DONTWAIT)`): the ICMP errors
 * and local errors the kernel queued about packets this socket sent, once `IP_RECVERR` /
 * `IPV6_RECVERR` is on (see {@linkcode enableErrorQueue}). Never blocks.
 */
import { C, type Libc } from "../icmp/libc.ts";
import { SOCKADDR_MAX } from "../icmp/sockaddr.ts";
import type { SocketError } from "./icmp_error.ts";
import { decodeSocketError } from "./socket_error.ts";

/**
 * A buffer whose address is stable for its lifetime (safe to store in a `msghdr`): V8 places
 * small `new Uint8Array(n)` in its moving heap, but an explicit `ArrayBuffer` of 128+ bytes
 * gets a backing store of its own.
 */
export function offHeap(bytes: number): Uint8Array {
  return new Uint8Array(new ArrayBuffer(Math.max(bytes, 256)), 0, bytes);
}

/** Drains queued errors of one socket. */
export type ErrorQueueReader = (max?: number) => SocketError[];

/** Turns on the error queue of `fd`; false when the kernel refused. */
export function enableErrorQueue(libc: Libc, fd: number, family: 4 | 6): boolean {
  const one = new Uint8Array(new Int32Array([1]).buffer);
  return family === 4
    ? libc.symbols.setsockopt(fd, C.IPPROTO_IP, C.IP_RECVERR, one, 4) === 0
    : libc.symbols.setsockopt(fd, C.IPPROTO_IPV6, C.IPV6_RECVERR, one, 4) === 0;
}

/** Creates a reader for `fd`'s error queue (buffers allocated once). */
export function errorQueueReader(libc: Libc, fd: number): ErrorQueueReader {
  // The kernel writes through pointers stored in `header`: every buffer they point at must not
  // move. V8 keeps small typed arrays (<= 64 bytes) inside its heap, where a GC moves them, so
  // each is a view on an ArrayBuffer of its own, which stays put (see offHeap()).
  const name = offHeap(SOCKADDR_MAX);
  const data = offHeap(2048);
  const control = offHeap(512);
  const iov = offHeap(16);
  const header = offHeap(56);
  const iovView = new DataView(iov.buffer);
  const view = new DataView(header.buffer);
  const ptr = (b: Uint8Array) => BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(b)));
  iovView.setBigUint64(0, ptr(data), true);
  iovView.setBigUint64(8, BigInt(data.length), true);
  view.setBigUint64(0, ptr(name), true);
  view.setBigUint64(16, ptr(iov), true);
  view.setBigUint64(24, 1n, true);
  view.setBigUint64(32, ptr(control), true);
  return (max = 64) => {
    const out: SocketError[] = [];
    while (out.length < max) {
      // Every buffer the kernel reaches through `header` is touched here, so this closure
      // holds them: one only the setup used (the iovec) would be collected, and the kernel
      // would then read a freed iovec and write the data anywhere.
      iovView.setBigUint64(8, BigInt(data.length), true);
      view.setUint32(8, SOCKADDR_MAX, true);
      view.setBigUint64(40, BigInt(control.length), true);
      view.setInt32(48, 0, true);
      const n = Number(libc.symbols.recvmsg(fd, header, C.MSG_ERRQUEUE | C.MSG_DONTWAIT));
      if (n < 0) break;
      const controlLength = Number(view.getBigUint64(40, true));
      const e = decodeSocketError(
        control.subarray(0, Math.min(controlLength, control.length)),
        name,
        view.getUint32(8, true),
        data.slice(0, Math.min(n, data.length)),
      );
      if (e) out.push(e);
    }
    return out;
  };
}
