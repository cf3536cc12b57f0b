/**
 * @module One path run without a raw ICMP socket: round after round of probes with TTL 1, 2, …
 * from a socket of the run's own (see errqueue_sockets.ts), the answers read from its error
 * queue (and, ICMP, its echo replies) every `pollMs`. Same result shape as the raw channel.
 */
import type { Clock } from "../../base/clock.ts";
import { systemClock } from "../../base/clock.ts";
import { COOKIE_BYTES } from "../icmp/echo_packet.ts";
import { canonicalIp } from "../icmp/sockaddr.ts";
import { errnoReason } from "../failure_reason.ts";
import { compactIp } from "./ip_text.ts";
import type { RunSocket, RunSocketSpec } from "./errqueue_sockets.ts";
import type { TraceHop, TraceOptions, TraceResult } from "./types.ts";

interface Probe {
  ttl: number;
  sentNs: number;
  sentMono: number;
  answered: boolean;
}

/** Options of {@linkcode errqueueTrace}. */
export interface ErrqueueTraceOptions {
  clock?: Clock;
  /** How often the socket is read while probes are out. Default 2 ms. */
  pollMs?: number;
  random?: (bytes: Uint8Array) => Uint8Array;
}

/** Traces `ip` with a socket `open` makes for the run (it is closed at the end). */
export async function errqueueTrace(
  ip: string,
  family: 4 | 6,
  opts: TraceOptions,
  open: (spec: RunSocketSpec) => RunSocket,
  options: ErrqueueTraceOptions = {},
  signal?: AbortSignal,
): Promise<TraceResult> {
  const clock = options.clock ?? systemClock;
  const pollMs = options.pollMs ?? 2;
  const random = options.random ?? ((b: Uint8Array) => crypto.getRandomValues(b));
  const started = clock.now();
  const deadline = started + opts.timeoutMs;
  const maxHops = Math.min(opts.maxHops, 255);
  const room = opts.protocol === "udp" ? 65536 - opts.port : 65536;
  const count = Math.min(opts.count, Math.floor(room / maxHops));
  const destination = canonicalIp(ip, family);
  const cookie = random(new Uint8Array(Math.min(COOKIE_BYTES, opts.size)));
  let socket: RunSocket;
  try {
    socket = open({
      family,
      destination,
      size: opts.size,
      cookie,
      port: opts.port,
      socketOptions: opts.socketOptions,
    });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { hops: [], failure: { reason: "error", detail } };
  }
  const hops: TraceHop[] = Array.from({ length: maxHops }, (_, i) => ({
    ttl: i + 1,
    sent: 0,
    rttsSeconds: [],
    addresses: new Map(),
  }));
  const probes = new Map<number, Probe>();
  let destinationTtl: number | undefined;
  let unreachable: { ttl: number; from: string; code: number } | undefined;
  const limit = () => Math.min(destinationTtl ?? maxHops, unreachable?.ttl ?? maxHops);
  const hasCookie = (bytes: Uint8Array) => {
    const n = Math.min(cookie.length, bytes.length);
    for (let i = 0; i < n; i++) if (bytes[i] !== cookie[i]) return false;
    return true;
  };
  const read = () => {
    for (const a of socket.read()) {
      const p = probes.get(a.sequence);
      if (!p || p.answered || !hasCookie(a.payload)) continue;
      p.answered = true;
      if (a.kind === "destination" && (destinationTtl === undefined || p.ttl < destinationTtl)) {
        destinationTtl = p.ttl;
      }
      if (a.kind === "unreachable" && (unreachable === undefined || p.ttl < unreachable.ttl)) {
        unreachable = { ttl: p.ttl, from: a.from, code: a.code };
      }
      const monoSeconds = (clock.now() - p.sentMono) / 1000;
      let rtt = (a.receivedNs - p.sentNs) / 1e9;
      if (!(rtt >= 0 && rtt <= monoSeconds + 0.001)) rtt = monoSeconds;
      const hop = hops[p.ttl - 1]!;
      hop.rttsSeconds.push(rtt);
      hop.addresses.set(a.from, (hop.addresses.get(a.from) ?? 0) + 1);
    }
  };
  const outstanding = () => {
    const l = limit();
    for (const p of probes.values()) if (!p.answered && p.ttl <= l) return true;
    return false;
  };
  let sentAny = false;
  let sendError: number | undefined;
  let round = 0;
  try {
    while (!signal?.aborted && clock.now() < deadline) {
      if (round < count && clock.now() >= started + round * opts.intervalMs) {
        for (let ttl = 1; ttl <= limit(); ttl++) {
          const sequence = round * maxHops + ttl - 1;
          const sentMono = clock.now();
          const sent = socket.send(ip, sequence, ttl);
          if ("errno" in sent) {
            sendError ??= sent.errno;
            continue;
          }
          probes.set(sequence, { ttl, sentNs: sent.sentNs, sentMono, answered: false });
          hops[ttl - 1]!.sent++;
          sentAny = true;
        }
        round++;
      }
      if (round >= count && !outstanding()) break;
      await clock.sleep(pollMs, signal).catch(() => {});
      read();
    }
    read();
  } finally {
    socket.close();
  }
  if (!sentAny) {
    return {
      hops: [],
      failure: {
        reason: sendError === undefined ? "error" : errnoReason(sendError),
        detail: `sendto failed: errno ${sendError ?? 0}`,
      },
    };
  }
  return {
    hops: hops.slice(0, limit()),
    destinationTtl,
    unreachable: destinationTtl === undefined && unreachable
      ? { hop: unreachable.ttl, from: compactIp(unreachable.from), code: unreachable.code }
      : undefined,
  };
}
