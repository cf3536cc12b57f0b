/**
 * @module The C library symbols the ICMP socket needs, opened through Deno FFI. Every call is
 * synchronous and made with `MSG_DONTWAIT` or on a non-blocking socket, so none can block the
 * event loop; the constants are the Linux values (the same on x86_64 and aarch64).
 */

/** Linux constants used by the ICMP socket. */
export const C = {
  AF_INET: 2,
  AF_INET6: 10,
  SOCK_DGRAM: 2,
  SOCK_RAW: 3,
  SOCK_NONBLOCK: 0o4000,
  SOCK_CLOEXEC: 0o2000000,
  IPPROTO_IP: 0,
  IPPROTO_ICMP: 1,
  IPPROTO_IPV6: 41,
  IPPROTO_ICMPV6: 58,
  SOL_SOCKET: 1,
  SOL_RAW: 255,
  SO_SNDBUF: 7,
  SO_RCVBUF: 8,
  SO_RCVBUFFORCE: 33,
  SO_TIMESTAMPNS: 35,
  SCM_TIMESTAMPNS: 35,
  IP_TTL: 2,
  IP_RECVTTL: 12,
  IPV6_RECVHOPLIMIT: 51,
  IPV6_HOPLIMIT: 52,
  IPV6_UNICAST_HOPS: 16,
  ICMP_FILTER: 1,
  IPPROTO_UDP: 17,
  IPPROTO_TCP: 6,
  SOCK_STREAM: 1,
  IP_TOS: 1,
  IP_MTU_DISCOVER: 10,
  IP_PMTUDISC_DO: 2,
  IP_RECVERR: 11,
  IPV6_MTU_DISCOVER: 23,
  IPV6_PMTUDISC_DO: 2,
  IPV6_RECVERR: 25,
  IPV6_DONTFRAG: 62,
  IPV6_TCLASS: 67,
  SO_BINDTODEVICE: 25,
  SO_ERROR: 4,
  MSG_ERRQUEUE: 0x2000,
  EINPROGRESS: 115,
  EALREADY: 114,
  EISCONN: 106,
  MSG_NOSIGNAL: 0x4000,
  ICMP6_FILTER: 1,
  SO_ATTACH_FILTER: 26,
  MSG_DONTWAIT: 0x40,
  MSG_TRUNC: 0x20,
  CLOCK_REALTIME: 0,
  EAGAIN: 11,
  EINTR: 4,
  EACCES: 13,
  EPERM: 1,
} as const;

const SYMBOLS = {
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  setsockopt: { parameters: ["i32", "i32", "i32", "buffer", "u32"], result: "i32" },
  sendto: { parameters: ["i32", "buffer", "usize", "i32", "buffer", "u32"], result: "isize" },
  recvmmsg: { parameters: ["i32", "buffer", "u32", "i32", "pointer"], result: "i32" },
  clock_gettime: { parameters: ["i32", "buffer"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  recvmsg: { parameters: ["i32", "buffer", "i32"], result: "isize" },
  bind: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  connect: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  getsockopt: { parameters: ["i32", "i32", "i32", "buffer", "buffer"], result: "i32" },
  getsockname: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  getpeername: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  send: { parameters: ["i32", "buffer", "usize", "i32"], result: "isize" },
  recv: { parameters: ["i32", "buffer", "usize", "i32"], result: "isize" },
  __errno_location: { parameters: [], result: "pointer" },
} as const;

/** The opened library: its symbols plus `errno()`. */
export interface Libc {
  symbols: Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];
  /** The calling thread's `errno`, read right after a failed call. */
  errno(): number;
  close(): void;
}

let shared: { lib: Libc; users: number } | undefined;

/**
 * Opens `libc.so.6` (shared by every caller until the last `release`). Throws when FFI is not
 * permitted or the library is missing (then the caller falls back to the system ping).
 */
export function openLibc(path = "libc.so.6"): Libc {
  if (shared) {
    shared.users++;
    return shared.lib;
  }
  const dl = Deno.dlopen(path, SYMBOLS);
  const lib: Libc = {
    symbols: dl.symbols,
    errno() {
      const p = dl.symbols.__errno_location();
      return p === null ? 0 : new Deno.UnsafePointerView(p).getInt32();
    },
    close() {
      if (!shared || --shared.users > 0) return;
      shared = undefined;
      dl.close();
    },
  };
  shared = { lib, users: 1 };
  return lib;
}
