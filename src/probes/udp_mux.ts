/**
 * @module A small pool of shared UDP sockets per address family, and the matching of replies to
 * the probe that sent them. A reply is matched by (socket, remote address, remote port), so a
 * socket carries at most one probe per remote endpoint at a time, and after a probe ends its
 * endpoint stays held on that socket for a while (`holdMs`) so a late or duplicated reply can
 * never be taken by the next probe. Replies nobody waits for are ignored and counted.
 */
import type { Clock } from "../base/clock.ts";
import { systemClock } from "../base/clock.ts";
import { canonicalIp } from "./icmp/sockaddr.ts";

/** Why a received datagram was not taken as a reply. */
export type UdpIgnoreReason = "late" | "duplicate" | "unexpected";

/** Every ignore reason, for metric pre-registration. */
export const UDP_IGNORE_REASONS: readonly UdpIgnoreReason[] = ["late", "duplicate", "unexpected"];

/** What one exchange ended with. */
export type ExchangeResult =
  | { kind: "reply"; data: Uint8Array; seconds: number }
  | { kind: "timeout"; seconds: number }
  | { kind: "error"; error: unknown; seconds: number };

/** Opens a UDP socket (injected in tests). */
export type ListenDatagram = (
  options: Deno.UdpListenOptions & { transport: "udp" },
) => Deno.DatagramConn;

/** Options of {@linkcode createUdpMux}. */
export interface UdpMuxOptions {
  clock?: Clock;
  listen?: ListenDatagram;
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
  ): Promise<ExchangeResult>;
  /** Open sockets (for tests and metrics). */
  sockets(): number;
  close(): Promise<void>;
}

interface Held {
  until: number;
  answered: boolean;
}

interface PooledSocket {
  conn: Deno.DatagramConn;
  family: 4 | 6;
  active: Map<string, (data: Uint8Array) => void>;
  held: Map<string, Held>;
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
  const pools: Record<4 | 6, PooledSocket[]> = { 4: [], 6: [] };
  let closed = false;

  const receiveLoop = async (s: PooledSocket) => {
    while (true) {
      let data: Uint8Array;
      let addr: Deno.Addr;
      try {
        [data, addr] = await s.conn.receive();
      } catch {
        return; // closed
      }
      if (addr.transport !== "udp") continue;
      let key: string;
      try {
        key = `${canonicalIp(addr.hostname, s.family)}|${addr.port}`;
      } catch {
        onIgnored("unexpected");
        continue;
      }
      const waiter = s.active.get(key);
      if (waiter) {
        waiter(data);
        continue;
      }
      const held = s.held.get(key);
      onIgnored(
        held && held.until > clock.now() ? (held.answered ? "duplicate" : "late") : "unexpected",
      );
    }
  };

  const open = (family: 4 | 6): PooledSocket => {
    const conn = listen({ transport: "udp", hostname: family === 4 ? "0.0.0.0" : "::", port: 0 });
    const s: PooledSocket = {
      conn,
      family,
      active: new Map(),
      held: new Map(),
      lastUsed: clock.now(),
      loop: Promise.resolve(),
    };
    s.loop = receiveLoop(s);
    return s;
  };

  const acquire = (family: 4 | 6, key: string): PooledSocket | undefined => {
    const now = clock.now();
    const pool = pools[family];
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
    const s = open(family);
    pool.push(s);
    return s;
  };

  const hold = (s: PooledSocket, key: string, ms: number, answered: boolean) => {
    const now = clock.now();
    if (s.held.size > 10_000) {
      for (const [k, h] of s.held) if (h.until <= now) s.held.delete(k);
    }
    s.held.set(key, { until: now + ms, answered });
  };

  const close = async () => {
    closed = true;
    for (const family of [4, 6] as const) {
      for (const s of pools[family]) {
        s.conn.close();
        await s.loop;
      }
      pools[family] = [];
    }
  };

  return {
    sockets: () => pools[4].length + pools[6].length,
    async exchange(ip, family, port, payload, timeoutMs, signal) {
      const started = clock.now();
      const seconds = () => (clock.now() - started) / 1000;
      if (closed) return { kind: "error", error: new Error("UDP pool is closed"), seconds: 0 };
      const key = `${canonicalIp(ip, family)}|${port}`;
      const s = acquire(family, key);
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
      s.active.set(key, (data) => {
        // A second datagram before this exchange has ended: the first one is the reply.
        if (reply !== undefined) return onIgnored("duplicate");
        reply = data;
        stop.abort();
      });
      s.lastUsed = started;
      try {
        await s.conn.send(payload, { transport: "udp", hostname: ip, port });
        if (reply === undefined) {
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
      if (reply !== undefined) {
        hold(s, key, Math.max(1000, timeoutMs), true);
        return { kind: "reply", data: reply, seconds: seconds() };
      }
      hold(s, key, Math.max(5000, 2 * timeoutMs), false);
      return { kind: "timeout", seconds: seconds() };
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
