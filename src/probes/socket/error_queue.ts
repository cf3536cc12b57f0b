/**
 * @module Reads a socket's error queue (`recvmsg(MSG_ERRQUEUE | MSG_DONTWAIT)`): the ICMP errors
 * and local errors the kernel queued about packets this socket sent, once `IP_RECVERR` /
 * `IPV6_RECVERR` is on (see {@linkcode enableErrorQueue}). Never blocks.
 */
import { C, type Libc } from "../icmp/libc.ts";
import { SOCKADDR_MAX } from "../icmp/sockaddr.ts";
import type { SocketError } from "./icmp_error.ts";
import { decodeSocketError } from "./socket_error.ts";

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
  const name = new Uint8Array(SOCKADDR_MAX);
  const data = new Uint8Array(2048);
  const control = new Uint8Array(512);
  const iov = new Uint8Array(16);
  const header = new Uint8Array(56);
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
