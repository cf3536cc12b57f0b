/**
 * @module The C library symbols the TCP poller needs, opened through Deno FFI: the socket calls,
 * an epoll set, an eventfd to wake its waiter, and `epoll_wait` twice: as a `nonblocking` symbol
 * (Deno runs it on a thread of its own and settles a promise, so the event loop never blocks) and
 * as `epoll_poll`, a plain call for a zero-timeout look on the event loop's own thread. Linux values, the same on x86_64 and aarch64 except the
 * layout of `struct epoll_event` (packed on x86_64 only; see {@linkcode EPOLL_EVENT}).
 */

/** Linux constants of the poller. */
export const E = {
  AF_INET: 2,
  AF_INET6: 10,
  SOCK_STREAM: 1,
  SOCK_NONBLOCK: 0o4000,
  SOCK_CLOEXEC: 0o2000000,
  IPPROTO_TCP: 6,
  SOL_SOCKET: 1,
  SO_ERROR: 4,
  EPOLL_CLOEXEC: 0o2000000,
  EPOLL_CTL_ADD: 1,
  EPOLLIN: 0x001,
  EPOLLOUT: 0x004,
  EPOLLERR: 0x008,
  EPOLLHUP: 0x010,
  EPOLLONESHOT: 1 << 30,
  EFD_CLOEXEC: 0o2000000,
  EFD_NONBLOCK: 0o4000,
  EINPROGRESS: 115,
  EMFILE: 24,
  RLIMIT_NOFILE: 7,
  ECONNRESET: 104,
} as const;

/** `struct epoll_event`: 12 bytes packed on x86_64, 16 (data 8-aligned) elsewhere. */
export const EPOLL_EVENT = Deno.build.arch === "x86_64"
  ? { size: 12, data: 4 } as const
  : { size: 16, data: 8 } as const;

const SYMBOLS = {
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  connect: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  getsockopt: { parameters: ["i32", "i32", "i32", "buffer", "buffer"], result: "i32" },
  epoll_create1: { parameters: ["i32"], result: "i32" },
  epoll_ctl: { parameters: ["i32", "i32", "i32", "buffer"], result: "i32" },
  epoll_poll: { name: "epoll_wait", parameters: ["i32", "buffer", "i32", "i32"], result: "i32" },
  epoll_wait: {
    parameters: ["i32", "buffer", "i32", "i32"],
    result: "i32",
    nonblocking: true,
  },
  eventfd: { parameters: ["u32", "i32"], result: "i32" },
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  getrlimit: { parameters: ["i32", "buffer"], result: "i32" },
  strerror: { parameters: ["i32"], result: "pointer" },
  __errno_location: { parameters: [], result: "pointer" },
} as const;

/** The opened library. */
export interface EpollLibc {
  symbols: Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];
  /** The calling thread's `errno`, read right after a failed call. */
  errno(): number;
  /** `strerror(errno)`, as Rust's `io::Error` prints it (cached per errno). */
  errorText(errno: number): string;
  close(): void;
}

/** Opens `libc.so.6`; throws when FFI is not permitted or the library is missing. */
export function openEpollLibc(path = "libc.so.6"): EpollLibc {
  const dl = Deno.dlopen(path, SYMBOLS);
  const texts = new Map<number, string>();
  // The location is per thread; FFI calls that are not `nonblocking` run on the JS thread. It is
  // found now, so that reading it after a failed call makes no call of its own first.
  const location = dl.symbols.__errno_location();
  const errnoView = location === null ? undefined : new Deno.UnsafePointerView(location);
  return {
    symbols: dl.symbols,
    errno: () => errnoView?.getInt32() ?? 0,
    errorText(errno) {
      let text = texts.get(errno);
      if (text === undefined) {
        const p = dl.symbols.strerror(errno);
        text = p === null ? "Unknown error" : new Deno.UnsafePointerView(p).getCString();
        texts.set(errno, text);
      }
      return text;
    },
    close: () => dl.close(),
  };
}
