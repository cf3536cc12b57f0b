/**
 * @module A TCP connection through our own FFI socket, for TCP modules with `dscp`, `source_ip`
 * or `source_interface`: `Deno.connect` takes no local address and exposes no file descriptor
 * to set `IP_TOS` or `SO_BINDTODEVICE` on (and `node:net` has a local address but neither of
 * the others). The socket is non-blocking: with the shared poller (tcp_poller.ts) the connect is
 * awaited in its epoll set, exactly; without, `connect` is repeated every `pollMs` until it says
 * connected (`EISCONN`) or why not. Reads poll `recv(MSG_DONTWAIT)` every `pollMs`. Enough for
 * connect, `send` and `expect`; not for TLS (Deno's TLS needs a Deno connection).
 */
import { C, type Libc, openLibc } from "../icmp/libc.ts";
import { encodeSockaddr } from "../icmp/sockaddr.ts";
import type { ByteStream } from "../byte_stream.ts";
import { applySocketOptions, type SocketOptions } from "./socket_options.ts";
import { ABORTED, type TcpPoller, TIMED_OUT } from "./tcp_poller.ts";

/** Options of {@linkcode ffiTcpConnect}. */
export interface FfiTcpOptions {
  ip: string;
  family: 4 | 6;
  port: number;
  socketOptions: SocketOptions;
  signal: AbortSignal;
  /** How often a pending connect (without a poller) or read is retried. Default 1 ms. */
  pollMs?: number;
  /** The shared poller the connect waits in; `signal` still ends it (the job's deadline). */
  poller?: TcpPoller | null;
  libc?: Libc;
}

const ERRNO_TEXT: Record<number, string> = {
  101: "network unreachable",
  104: "connection reset",
  110: "connection timed out",
  111: "connection refused",
  113: "no route to host",
};

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });

/** Connects; rejects with `Cannot connect to IP:PORT: connection refused (errno 111)` & co. */
export async function ffiTcpConnect(o: FfiTcpOptions): Promise<ByteStream> {
  // The port goes into two bytes: 70000 would connect to 4464. `Deno.connect`'s error.
  if (!Number.isInteger(o.port) || o.port < 1 || o.port > 65535) {
    throw new RangeError(`Invalid port (out of range): ${o.port}`);
  }
  const libc = o.libc ?? openLibc();
  const f = libc.symbols;
  const pollMs = o.pollMs ?? 1;
  const domain = o.family === 4 ? C.AF_INET : C.AF_INET6;
  const fd = f.socket(domain, C.SOCK_STREAM | C.SOCK_NONBLOCK | C.SOCK_CLOEXEC, C.IPPROTO_TCP);
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    if (fd >= 0) f.close(fd);
    if (!o.libc) libc.close();
  };
  const where = `${o.family === 6 ? `[${o.ip}]` : o.ip}:${o.port}`;
  const fail = (errno: number): never => {
    close();
    throw new Error(`Cannot connect to ${where}: ${ERRNO_TEXT[errno] ?? "error"} (errno ${errno})`);
  };
  if (fd < 0) fail(libc.errno());
  const why = applySocketOptions(libc, fd, o.family, o.socketOptions);
  if (why) {
    close();
    throw new Error(why);
  }
  const sa = encodeSockaddr(o.ip, o.family);
  sa[2] = o.port >> 8;
  sa[3] = o.port & 0xff;
  try {
    if (o.poller && f.connect(fd, sa, sa.byteLength) !== 0) {
      const errno = libc.errno();
      if (errno !== C.EINPROGRESS) fail(errno);
      const r = await o.poller.awaitConnect(fd, 2 ** 31 - 1, o.signal);
      if (r.errno === ABORTED || r.errno === TIMED_OUT) {
        // Not our deadline: the poller closed under it (its last user released it).
        if (!o.signal.aborted) throw new Error(`Cannot connect to ${where}: the TCP poller closed`);
        throw o.signal.reason;
      }
      if (r.errno !== 0) fail(r.errno);
    }
    while (!o.poller) {
      if (f.connect(fd, sa, sa.byteLength) === 0) break;
      const errno = libc.errno();
      if (errno === C.EISCONN) break;
      if (errno !== C.EINPROGRESS && errno !== C.EALREADY && errno !== C.EINTR) fail(errno);
      await sleep(pollMs, o.signal);
    }
  } catch (error) {
    close();
    throw error;
  }
  return {
    async write(bytes) {
      let off = 0;
      while (off < bytes.length) {
        const n = Number(
          f.send(
            fd,
            bytes.subarray(off),
            BigInt(bytes.length - off),
            C.MSG_DONTWAIT | C.MSG_NOSIGNAL,
          ),
        );
        if (n >= 0) off += n;
        else if (libc.errno() === C.EAGAIN) await sleep(pollMs, o.signal);
        else fail(libc.errno());
      }
    },
    async read(buf) {
      while (true) {
        if (closed) return null;
        const n = Number(f.recv(fd, buf, BigInt(buf.length), C.MSG_DONTWAIT));
        if (n > 0) return n;
        if (n === 0) return null;
        const errno = libc.errno();
        if (errno !== C.EAGAIN && errno !== C.EINTR) fail(errno);
        await sleep(pollMs, o.signal);
      }
    },
    close,
  };
}
