/**
 * @module One epoll set for every connect-only TCP probe of the process: each probe opens a
 * non-blocking socket, calls `connect` (on loopback too it answers `EINPROGRESS`) and registers
 * the socket once (`EPOLLOUT | EPOLLONESHOT`). After the connects of one turn of the event loop,
 * one zero-timeout `epoll_wait` settles those the kernel completed at once (loopback); for the
 * rest a single loop awaits `epoll_wait` as a `nonblocking` FFI call (a thread of Deno's waits,
 * the event loop runs on). For each batch of ready sockets it stamps the time once, reads
 * `SO_ERROR`, closes the socket and settles its probe. Deadlines are one timer for all probes (probes of one timeout expire in the order
 * they started); closing a socket takes it out of the set. The loop waits only while a connect is
 * pending, so an idle poller holds no thread, no timer and no op.
 */
import { E, EPOLL_EVENT, type EpollLibc, openEpollLibc } from "./epoll_libc.ts";
import { ConnectDeadlines } from "./connect_deadlines.ts";

/** `errno` of a connect the poller ended itself: the timeout passed. */
export const TIMED_OUT = -1;
/** `errno` of a connect ended because its signal aborted (or the poller closed). */
export const ABORTED = -2;

/** How one connect ended. */
export interface ConnectResult {
  /** 0: connected; > 0: the Linux errno; {@linkcode TIMED_OUT} or {@linkcode ABORTED}. */
  readonly errno: number;
  /** `performance.now()` when the poller learnt it (taken once per batch, at wake-up). */
  readonly endMs: number;
}

/** The shared poller. */
export interface TcpPoller {
  /**
   * Connects to `sockaddr` (a `sockaddr_in`/`sockaddr_in6`); never rejects. `signal` is meant to
   * be long-lived and shared (the agent's stop): it gets one listener for all connects.
   */
  connect(sockaddr: Uint8Array, timeoutMs: number, signal: AbortSignal): Promise<ConnectResult>;
  /**
   * Waits until `fd` (a non-blocking socket whose `connect` said `EINPROGRESS`, the caller's) is
   * connected or failed; the caller keeps and closes it (socket/tcp_socket.ts: `dscp` & co).
   */
  awaitConnect(fd: number, timeoutMs: number, signal: AbortSignal): Promise<ConnectResult>;
  /** Connects pending now. */
  readonly pending: number;
  /** `strerror` text of an errno, e.g. `Connection refused`. */
  errorText(errno: number): string;
  /** Gives this user's hold back; the last one closes the set (pending connects abort). */
  release(): Promise<void>;
}

/** The most events one wake-up takes; more stay ready for the next. */
const MAX_EVENTS = 256;
/**
 * File descriptors kept free of pending connects: a quarter of the soft `RLIMIT_NOFILE`, 32 to
 * 1024. Thousands of SYN-dropped targets must not take the last fds from the WAL, the config
 * reload and the HTTP server; past the cap a connect fails at once with `EMFILE`.
 */
export function fdReserve(softLimit: number): number {
  return Math.min(1024, Math.max(32, Math.floor(softLimit / 4)));
}

/** Bound of one wait: the loop is woken by its eventfd anyway (shutdown, last probe gone). */
const WAIT_MS = 1000;

/** One connect in flight; it is its own result object (no allocation per outcome). */
class Pending implements ConnectResult {
  errno = 0;
  endMs = 0;
  done = false;
  constructor(
    readonly fd: number,
    readonly gen: number,
    readonly deadline: number,
    readonly signal: AbortSignal,
    readonly resolve: (r: ConnectResult) => void,
    /** False for a caller's socket: settled, not closed. */
    readonly owned: boolean,
  ) {}
}

class EpollPoller implements TcpPoller {
  users = 1;
  readonly #libc: EpollLibc;
  readonly #f: EpollLibc["symbols"];
  readonly #epfd: number;
  readonly #wakeFd: number;
  readonly #events = new Uint8Array(MAX_EVENTS * EPOLL_EVENT.size);
  readonly #eventsView = new DataView(this.#events.buffer);
  readonly #ctl = new Uint8Array(EPOLL_EVENT.size);
  readonly #ctlView = new DataView(this.#ctl.buffer);
  readonly #int = new Uint8Array(8);
  readonly #intView = new DataView(this.#int.buffer);
  readonly #len = new Uint8Array(4);
  readonly #lenView = new DataView(this.#len.buffer);
  /** The zero-timeout look's own buffer: the thread may be writing into `#events` meanwhile. */
  readonly #sweepEvents = new Uint8Array(MAX_EVENTS * EPOLL_EVENT.size);
  readonly #sweepView = new DataView(this.#sweepEvents.buffer);
  #sweepQueued = false;
  readonly #byFd: (Pending | undefined)[] = [];
  readonly #deadlines = new ConnectDeadlines<Pending>((p, now) => this.#finish(p, TIMED_OUT, now));
  readonly #watched = new WeakSet<AbortSignal>();
  #count = 0;
  /** Most owned sockets pending at once (the fd limit less {@linkcode fdReserve}). */
  readonly #maxPending: number;
  #gen = 0;
  #waiting = false;
  #closing = false;
  #idle: (() => void) | undefined;
  readonly #loop: Promise<void>;

  constructor(libc: EpollLibc) {
    this.#libc = libc;
    const f = this.#f = libc.symbols;
    this.#epfd = f.epoll_create1(E.EPOLL_CLOEXEC);
    if (this.#epfd < 0) throw new Error(`Cannot create an epoll set: errno ${libc.errno()}`);
    this.#wakeFd = f.eventfd(0, E.EFD_CLOEXEC | E.EFD_NONBLOCK);
    if (this.#wakeFd < 0 || this.#add(this.#wakeFd, 0, E.EPOLLIN) !== 0) {
      const errno = libc.errno();
      f.close(this.#epfd);
      if (this.#wakeFd >= 0) f.close(this.#wakeFd);
      throw new Error(`Cannot create the poller's eventfd: errno ${errno}`);
    }
    this.#maxPending = this.#fdCap();
    this.#loop = this.#run();
  }

  #fdCap(): number {
    const rl = new BigUint64Array(2);
    if (this.#f.getrlimit(E.RLIMIT_NOFILE, new Uint8Array(rl.buffer)) !== 0) return Infinity;
    const soft = rl[0]! > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(rl[0]!);
    return soft === Infinity ? Infinity : Math.max(1, soft - fdReserve(soft));
  }

  get pending() {
    return this.#count;
  }

  errorText(errno: number): string {
    return this.#libc.errorText(errno);
  }

  connect(sockaddr: Uint8Array, timeoutMs: number, signal: AbortSignal): Promise<ConnectResult> {
    const now = performance.now();
    if (signal.aborted || this.#closing) return Promise.resolve({ errno: ABORTED, endMs: now });
    if (this.#count >= this.#maxPending) return Promise.resolve({ errno: E.EMFILE, endMs: now });
    const f = this.#f;
    const family = sockaddr[0]! | (sockaddr[1]! << 8);
    const fd = f.socket(family, E.SOCK_STREAM | E.SOCK_NONBLOCK | E.SOCK_CLOEXEC, E.IPPROTO_TCP);
    if (fd < 0) return Promise.resolve({ errno: this.#libc.errno(), endMs: performance.now() });
    let errno = 0;
    if (f.connect(fd, sockaddr, sockaddr.byteLength) !== 0) errno = this.#libc.errno();
    if (errno === E.EINPROGRESS) {
      const promise = this.#register(fd, now, timeoutMs, signal, true);
      if (promise) return promise;
      errno = this.#libc.errno();
    }
    f.close(fd);
    return Promise.resolve({ errno, endMs: performance.now() });
  }

  awaitConnect(fd: number, timeoutMs: number, signal: AbortSignal): Promise<ConnectResult> {
    const now = performance.now();
    if (signal.aborted || this.#closing) return Promise.resolve({ errno: ABORTED, endMs: now });
    return this.#register(fd, now, timeoutMs, signal, false) ??
      Promise.resolve({ errno: this.#libc.errno(), endMs: performance.now() });
  }

  /** Adds `fd` to the set and queues its deadline; undefined when `epoll_ctl` failed. */
  #register(
    fd: number,
    now: number,
    timeoutMs: number,
    signal: AbortSignal,
    owned: boolean,
  ): Promise<ConnectResult> | undefined {
    this.#gen = (this.#gen + 1) >>> 0;
    if (this.#add(fd, this.#gen, E.EPOLLOUT | E.EPOLLONESHOT) !== 0) return undefined;
    const { promise, resolve } = Promise.withResolvers<ConnectResult>();
    const p = new Pending(fd, this.#gen, now + timeoutMs, signal, resolve, owned);
    this.#byFd[fd] = p;
    this.#deadlines.add(p, timeoutMs);
    if (owned) {
      // The agent's one stop signal: one listener for all connects, a scan when it aborts.
      if (!this.#watched.has(signal)) this.#watch(signal);
    } else {
      // A caller's socket comes with its own deadline signal: a listener of its own.
      signal.addEventListener("abort", () => this.#finish(p, ABORTED, performance.now()), {
        once: true,
      });
    }
    this.#count++;
    if (!this.#sweepQueued) {
      this.#sweepQueued = true;
      queueMicrotask(this.#sweep);
    }
    return promise;
  }

  async release(): Promise<void> {
    // A second release of a closed poller must not close its (by now reused) fd numbers again.
    if (this.#closing || --this.users > 0) return;
    this.#closing = true;
    const now = performance.now();
    for (const p of this.#byFd) if (p) this.#finish(p, ABORTED, now);
    this.#idle?.();
    this.#wake();
    await this.#loop;
    this.#f.close(this.#wakeFd);
    this.#f.close(this.#epfd);
    this.#libc.close();
  }

  #add(fd: number, gen: number, events: number): number {
    this.#ctlView.setUint32(0, events, true);
    this.#ctlView.setInt32(EPOLL_EVENT.data, fd, true);
    this.#ctlView.setUint32(EPOLL_EVENT.data + 4, gen, true);
    return this.#f.epoll_ctl(this.#epfd, E.EPOLL_CTL_ADD, fd, this.#ctl);
  }

  #watch(signal: AbortSignal): void {
    this.#watched.add(signal);
    signal.addEventListener("abort", () => {
      const now = performance.now();
      for (const p of this.#byFd) if (p && p.signal === signal) this.#finish(p, ABORTED, now);
    }, { once: true });
  }

  /** Wakes the thread inside `epoll_wait` (shutdown, or nothing left to wait for). */
  #wake(): void {
    if (!this.#waiting) return;
    this.#intView.setBigUint64(0, 1n, true);
    this.#f.write(this.#wakeFd, this.#int, 8n);
  }

  #finish(p: Pending, errno: number, now: number): void {
    if (p.done) return;
    p.done = true;
    // A caller's socket stays open (and in the set, disarmed, until the caller closes it).
    if (p.owned) this.#f.close(p.fd);
    this.#byFd[p.fd] = undefined;
    p.errno = errno;
    p.endMs = now;
    p.resolve(p);
    if (--this.#count === 0) {
      this.#deadlines.clear();
      // A timeout, an abort or the sweep took the last one: the thread need not wait it out.
      this.#wake();
    }
  }

  /** SO_ERROR of `fd`: 0 once connected, else why not. */
  #soError(fd: number): number {
    this.#intView.setInt32(0, 0, true);
    this.#lenView.setUint32(0, 4, true);
    if (this.#f.getsockopt(fd, E.SOL_SOCKET, E.SO_ERROR, this.#int, this.#len) !== 0) {
      return this.#libc.errno();
    }
    return this.#intView.getInt32(0, true);
  }

  /**
   * After the connects of one turn of the event loop, one zero-timeout `epoll_wait` on this
   * thread: a connect the kernel completed at once (loopback, where the handshake runs inside
   * `connect`) settles without a trip to the waiting thread. What is left wakes the wait loop.
   */
  readonly #sweep = (): void => {
    this.#sweepQueued = false;
    if (this.#closing) return;
    const n = this.#f.epoll_poll(this.#epfd, this.#sweepEvents, MAX_EVENTS, 0);
    if (n > 0) this.#settle(this.#sweepView, n, performance.now(), false);
    if (this.#count > 0) this.#idle?.();
  };

  /**
   * Settles the `n` events in `view`, all learnt at `now`. Only the thread's own wait drains the
   * eventfd (it stays readable for it when the sweep sees it).
   */
  #settle(view: DataView, n: number, now: number, waited: boolean): void {
    for (let i = 0; i < n; i++) {
      const at = i * EPOLL_EVENT.size;
      const fd = view.getInt32(at + EPOLL_EVENT.data, true);
      if (fd === this.#wakeFd) {
        if (waited) this.#f.read(this.#wakeFd, this.#int, 8n);
        continue;
      }
      const p = this.#byFd[fd];
      // A socket closed (timeout) whose number a newer connect took: not its event.
      if (p === undefined || p.gen !== view.getUint32(at + EPOLL_EVENT.data + 4, true)) continue;
      const errno = this.#soError(fd);
      // A hang-up without an error and without writability: the peer reset it.
      const events = view.getUint32(at, true);
      this.#finish(p, errno === 0 && !(events & E.EPOLLOUT) ? E.ECONNRESET : errno, now);
    }
  }

  async #run(): Promise<void> {
    while (!this.#closing) {
      if (this.#count === 0) {
        await new Promise<void>((r) => (this.#idle = r));
        this.#idle = undefined;
        continue;
      }
      this.#waiting = true;
      const n = await this.#f.epoll_wait(this.#epfd, this.#events, MAX_EVENTS, WAIT_MS);
      this.#waiting = false;
      this.#settle(this.#eventsView, n, performance.now(), true);
      // EINTR and the like: the errno is the waiting thread's; try again after a breath.
      if (n < 0) await new Promise((r) => setTimeout(r, 1));
    }
  }
}

let shared: EpollPoller | undefined;

/**
 * The process's poller (made on first use; each caller releases its hold). Throws when FFI is
 * not permitted (then the TCP probe connects through `Deno.connect`).
 */
export function acquireTcpPoller(open: () => EpollLibc = openEpollLibc): TcpPoller {
  if (shared && shared.users > 0) {
    shared.users++;
    return shared;
  }
  const libc = open();
  try {
    return shared = new EpollPoller(libc);
  } catch (e) {
    libc.close();
    throw e;
  }
}
