/**
 * @module What the FFI senders of path probes (tcp_sender.ts, udp_sender.ts) share: reading
 * `errno`, setting a socket's TTL / hop limit, and a socket address with its port.
 */
import { C } from "../icmp/libc.ts";
import { encodeSockaddr } from "../icmp/sockaddr.ts";

/** The C library symbols these helpers call. */
export interface TtlSymbols {
  setsockopt(fd: number, level: number, name: number, value: Uint8Array, len: number): number;
  __errno_location(): Deno.PointerValue;
}

/** A reader of the calling thread's `errno`, to call right after a failed call. */
export function errnoReader(f: TtlSymbols): () => number {
  return () => {
    const p = f.__errno_location();
    return p === null ? 0 : new Deno.UnsafePointerView(p).getInt32();
  };
}

/** Sets `fd`'s TTL (IPv4) or unicast hop limit (IPv6); 0 on success, as `setsockopt`. */
export function setTtl(f: TtlSymbols, fd: number, family: 4 | 6, ttl: number): number {
  const v = new Uint8Array(new Int32Array([ttl]).buffer);
  return family === 4
    ? f.setsockopt(fd, C.IPPROTO_IP, C.IP_TTL, v, 4)
    : f.setsockopt(fd, C.IPPROTO_IPV6, C.IPV6_UNICAST_HOPS, v, 4);
}

/** The `sockaddr` of `ip`:`port`. */
export function sockaddrWithPort(ip: string, family: 4 | 6, port: number): Uint8Array {
  const sa = encodeSockaddr(ip, family);
  sa[2] = port >> 8;
  sa[3] = port & 0xff;
  return sa;
}
