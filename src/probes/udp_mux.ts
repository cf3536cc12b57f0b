/**
 * @module A small pool of shared UDP sockets per address family (and per set of socket options),
 * and the matching of replies to the probe that sent them. A reply is matched by (socket, remote
 * address, remote port), so a socket carries at most one probe per remote endpoint at a time,
 * and after a probe ends its endpoint stays held on that socket for a while (`holdMs`) so a late
 * or duplicated reply can never be taken by the next probe. An ICMP error about a datagram
 * (port unreachable, host unreachable…) names the same endpoint and ends its exchange the same
 * way. Replies nobody waits for are ignored and counted.
 */
import type { Clock } from "../base/clock.ts";
import { systemClock } from "../base/clock.ts";
import { canonicalIp } from "./icmp/sockaddr.ts";
import { icmpErrorOutcome, type SocketError } from "./socket/icmp_error.ts";
import { type SocketOptions, socketOptionsKey } from "./socket/socket_options.ts";
import { openUdpSocket } from "./socket/udp_socket.ts";
import { openLibc } from "./icmp/libc.ts";
import { denoTransport, type UdpTransport } from "./udp_transport.ts";
import type { FailureReason } from "./types.ts";

/** Why a received datagram was not taken as a reply. */
export type UdpIgnoreReason = "late" | "duplicate" | "unexpected";

/** Every ignore reason, for metric pre-registration. */
export const UDP_IGNORE_REASONS: readonly UdpIgnoreReason[] = ["late", "duplicate", "unexpected"];

/** What one exchange ended with. */
export type ExchangeResult =
  | { kind: "reply"; data: Uint8Array; seconds: number }
  | { kind: "timeout"; seconds: number }
  | { kind: "icmp"; reason: FailureReason; detail: string; seconds: number }
  | { kind: "error"; error: unknown; seconds: number };

/** Opens a UDP socket (injected in tests). */
export type ListenDatagram = (
  options: Deno.UdpListenOptions & { transport: "udp" },
) => Deno.DatagramConn;

/** Opens one of our own sockets (injected in tests); throws when it cannot. */
export type OpenTransport = (family: 4 | 6, socketOptions?: SocketOptions) => UdpTransport;

/** Which sockets the pool opens: `ffi` (with ICMP errors and socket options) or Deno's. */
export type UdpSocketKind = "ffi" | "deno";

/** Options of {@linkcode createUdpMux}. */
export interface UdpMuxOptions {
  clock?: Clock;
  /** Deno's sockets (tests inject fakes); used when given, or when `open` fails. */
  listen?: ListenDatagram;
  /** Our own sockets; the default opens FFI sockets with `IP_RECVERR`. */
  open?: OpenTransport;
  onIgnored?: (reason: UdpIgnoreReason) => void;
  /** Sockets per family at most (= probes in flight to one endpoint at most). */
  maxSockets?: number;
  /** An unused socket closes after this long. */
  idleMs?: number;
}

/** Defaults of {@linkcode UdpMuxOptions}: 256 sockets per family, closed after 60 s unused. */
export const DEFAULTS = { maxSockets: 256, idleMs: 60_000 } as const satisfies UdpMuxOptions;

/** The shared socket pool. */
export interface UdpMux extends AsyncDisposable {
  /** Sends `payload` to ip:port and waits up to `timeoutMs` for the first reply from there. */
  exchange(
    ip: string,
    family: 4 | 6,
    port: number,
    payload: Uint8Array,
    timeoutMs: number,
    signal?: AbortSignal,
    socketOptions?: SocketOptions,
  ): Promise<ExchangeResult>;
  /** Open sockets (for tests and metrics). */
  sockets(): number;
  /** The kind of socket the pool opens (known after the first exchange; `ffi` before). */
  kind(): UdpSocketKind;
  close(): Promise<void>;
}

interface Held {
  until: number;
  answered: boolean;
}

interface Waiter {
  reply(data: Uint8Array, ageMs: number): void;
  error(e: SocketError): void;
}

interface PooledSocket {
  conn: UdpTransport;
  family: 4 | 6;
  active: Map<string, Waiter>;
  held: Map<string, Held>;
  /** The latest `until` of `held`. */
  heldUntil: number;
  lastUsed: number;
  loop: Promise<void>;
}

/** Creates the pool; close it to close every socket. */
export function createUdpMux(options: UdpMuxOptions = {}): UdpMux {
  const clock = options.clock ?? systemClock;
  const listen: ListenDatagram = options.listen ?? ((o) => Deno.listenDatagram(o));
  const onIgnored = options.onIgnored ?? (() => {});
  const maxSockets = options.maxSockets ?? DEFAULTS.maxSockets;
  const idleMs = options.idleMs ?? DEFAULTS.idleMs;
  /** Sockets by `family|socket options key`. */
  const pools = new Map<string, PooledSocket[]>();
  let closed = false;

  const sinkOf = (s: PooledSocket) => {
    const keyOf = (hostname: string, port: number) => {
      try {
        return `${canonicalIp(hostname, s.family)}|${port}`;
      } catch {
        return undefined;
      }
    };
    const ignore = (key: string) => {
      const held = s.held.get(key);
      onIgnored(
        held && held.until > clock.now() ? (held.answered ? "duplicate" : "late") : "unexpected",
      );
    };
    return {
      busy: () => {
        if (s.active.size > 0) return "active" as const;
        return s.heldUntil > clock.now() ? "held" as const : "idle" as const;
      },
      datagram(data: Uint8Array, hostname: string, port: number, ageMs: number) {
        const key = keyOf(hostname, port);
        if (key === undefined) return onIgnored("unexpected");
        const waiter = s.active.get(key);
        if (waiter) waiter.reply(data, ageMs);
        else ignore(key);
      },
      error(e: SocketError) {
        // A local error (EMSGSIZE…) also fails its send, which reports it; ICMP errors name
        // the endpoint the datagram went to.
        if (e.origin === "local") return;
        const key = e.destination === undefined ? undefined : keyOf(e.destination, e.port);
        if (key === undefined) return onIgnored("unexpected");
        const waiter = s.active.get(key);
        if (waiter) waiter.error(e);
        else ignore(key);
      },
    };
  };

  let kind: UdpSocketKind = options.listen && !options.open ? "deno" : "ffi";
  const ffiUsable = () => {
    try {
      openLibc().close();
      return true;
    } catch {
      return false;
    }
  };
  const openConn = (family: 4 | 6, socketOptions?: SocketOptions): UdpTransport => {
    if (kind === "ffi") {
      try {
        return (options.open ?? ((f, o) => openUdpSocket(f, { clock, socketOptions: o })))(
          family,
          socketOptions,
        );
      } catch (error) {
        // No FFI (permission, no libc): Deno's sockets from now on. A socket that failed for
        // any other reason (an option, no file descriptors) fails its probe.
        if (options.open || ffiUsable()) throw error;
        kind = "deno";
      }
    }
    if (socketOptionsKey(socketOptions) !== "") {
      throw new Error("dscp, source_ip and source_interface need the FFI permission (--allow-ffi)");
    }
    return denoTransport(
      listen({ transport: "udp", hostname: family === 4 ? "0.0.0.0" : "::", port: 0 }),
    );
  };

  const open = (family: 4 | 6, socketOptions?: SocketOptions): PooledSocket => {
    const conn = openConn(family, socketOptions);
    const s: PooledSocket = {
      conn,
      family,
      active: new Map(),
      held: new Map(),
      heldUntil: 0,
      lastUsed: clock.now(),
      loop: Promise.resolve(),
    };
    s.loop = conn.run(sinkOf(s));
    return s;
  };

  const acquire = (
    family: 4 | 6,
    key: string,
    socketOptions?: SocketOptions,
  ): PooledSocket | undefined => {
    const now = clock.now();
    const poolKey = `${family}|${socketOptionsKey(socketOptions)}`;
    let pool = pools.get(poolKey);
    if (!pool) pools.set(poolKey, pool = []);
    for (let i = pool.length - 1; i >= 0; i--) {
      const s = pool[i]!;
      if (s.active.size === 0 && now - s.lastUsed > idleMs && pool.length > 1) {
        pool.splice(i, 1);
        s.conn.close();
      }
    }
    for (const s of pool) {
      if (s.active.has(key)) continue;
      const held = s.held.get(key);
      if (held && held.until > now) continue;
      if (held) s.held.delete(key);
      return s;
    }
    if (pool.length >= maxSockets) return undefined;
    const s = open(family, socketOptions);
    pool.push(s);
    return s;
  };

  const hold = (s: PooledSocket, key: string, ms: number, answered: boolean) => {
    const now = clock.now();
    if (s.held.size > 10_000) {
      for (const [k, h] of s.held) if (h.until <= now) s.held.delete(k);
    }
    s.held.set(key, { until: now + ms, answered });
    s.heldUntil = Math.max(s.heldUntil, now + ms);
  };

  const close = async () => {
    closed = true;
    for (const pool of pools.values()) {
      for (const s of pool) {
        s.conn.close();
        await s.loop;
      }
    }
    pools.clear();
  };

  return {
    sockets: () => [...pools.values()].reduce((n, p) => n + p.length, 0),
    kind: () => kind,
    async exchange(ip, family, port, payload, timeoutMs, signal, socketOptions) {
      const started = clock.now();
      const seconds = () => (clock.now() - started) / 1000;
      if (closed) return { kind: "error", error: new Error("UDP pool is closed"), seconds: 0 };
      const key = `${canonicalIp(ip, family)}|${port}`;
      let s: PooledSocket | undefined;
      try {
        s = acquire(family, key, socketOptions);
      } catch (error) {
        return { kind: "error", error, seconds: seconds() };
      }
      if (!s) {
        return {
          kind: "error",
          error: new Error(`Cannot send to ${ip}:${port}: ${maxSockets} probes already in flight`),
          seconds: 0,
        };
      }
      const stop = new AbortController();
      const onAbort = () => stop.abort();
      signal?.addEventListener("abort", onAbort, { once: true });
      let reply: Uint8Array | undefined;
      let replyAt = 0;
      let icmp: SocketError | undefined;
      s.active.set(key, {
        reply(data, ageMs) {
          // A second datagram before this exchange has ended: the first one is the reply.
          if (reply !== undefined || icmp !== undefined) return onIgnored("duplicate");
          reply = data;
          replyAt = clock.now() - ageMs;
          stop.abort();
        },
        error(e) {
          if (reply !== undefined || icmp !== undefined) return onIgnored("duplicate");
          icmp = e;
          replyAt = clock.now();
          stop.abort();
        },
      });
      s.lastUsed = started;
      try {
        await s.conn.send(payload, ip, port);
        if (reply === undefined && icmp === undefined) {
          await clock.sleep(timeoutMs - (clock.now() - started), stop.signal).catch(() => {});
        }
      } catch (error) {
        hold(s, key, Math.max(1000, timeoutMs), false);
        return { kind: "error", error, seconds: seconds() };
      } finally {
        s.active.delete(key);
        signal?.removeEventListener("abort", onAbort);
        s.lastUsed = clock.now();
      }
      // The kernel's receive stamp, not the poll that read it (never before the send started).
      const at = () => (Math.max(started, Math.min(replyAt, clock.now())) - started) / 1000;
      if (reply !== undefined) {
        hold(s, key, Math.max(1000, timeoutMs), true);
        return { kind: "reply", data: reply, seconds: at() };
      }
      if (icmp !== undefined) {
        hold(s, key, Math.max(1000, timeoutMs), true);
        return { kind: "icmp", ...icmpErrorOutcome(icmp), seconds: at() };
      }
      hold(s, key, Math.max(5000, 2 * timeoutMs), false);
      return { kind: "timeout", seconds: seconds() };
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
