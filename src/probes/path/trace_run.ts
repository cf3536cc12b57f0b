/**
 * @module The state of one traced run and its bookkeeping: a probe in flight, the hops it fills,
 * the TTL limit that shrinks once the destination (or an unreachable router) answered, and the
 * result handed back at the end. No I/O: the channel supplies the clock readings.
 */
import { errnoReason } from "../failure_reason.ts";
import { compactIp } from "./ip_text.ts";
import type { TcpProbeSocket } from "./tcp_sender.ts";
import type { TraceHop, TraceResult } from "./types.ts";

/** One path probe in flight. */
export interface Pending {
  run: RunState;
  ttl: number;
  sentNs: number;
  sentMono: number;
  answered: boolean;
  /** `protocol: tcp`: the probe's own socket, open until it is answered or the run ends. */
  tcp?: TcpProbeSocket;
}

/** One run in flight: its destination, cookie and what it has heard so far. */
export interface RunState {
  destination: string;
  cookie: Uint8Array;
  hops: TraceHop[];
  destinationTtl?: number;
  /** The lowest TTL a router answered with destination unreachable: nothing goes past it. */
  unreachable?: { ttl: number; from: string; code: number };
  /** Probes sent and not answered, by TTL (only those at or below the limit matter). */
  outstanding: number[];
  wake?: () => void;
}

/** A fresh run to `destination` with `maxHops` empty hops. */
export function newRun(destination: string, cookie: Uint8Array, maxHops: number): RunState {
  return {
    destination,
    cookie,
    hops: Array.from({ length: maxHops }, (_, i) => ({
      ttl: i + 1,
      sent: 0,
      rttsSeconds: [],
      addresses: new Map(),
    })),
    outstanding: [],
  };
}

/** The highest TTL still worth probing: the destination's, or the first unreachable router's. */
export const limitOf = (run: RunState, maxHops: number): number =>
  Math.min(run.destinationTtl ?? maxHops, run.unreachable?.ttl ?? maxHops);

/** Probes sent at or below the limit and not answered yet. */
export function outstandingOf(run: RunState, maxHops: number): number {
  let left = 0;
  const limit = limitOf(run, maxHops);
  for (let t = 1; t <= limit; t++) left += run.outstanding[t] ?? 0;
  return left;
}

/** Counts one probe of `ttl` as sent. */
export function markSent(run: RunState, ttl: number): void {
  run.hops[ttl - 1]!.sent++;
  run.outstanding[ttl] = (run.outstanding[ttl] ?? 0) + 1;
}

/**
 * Records the answer to `entry` from `from`, received at `receivedNs` (wall clock), `nowMono`
 * ms (monotonic); wakes the run once nothing below its limit is outstanding.
 */
export function answer(
  entry: Pending,
  reply: { from: string; receivedNs: number; isDestination: boolean },
  nowMono: number,
): void {
  const run = entry.run;
  entry.answered = true;
  run.outstanding[entry.ttl] = (run.outstanding[entry.ttl] ?? 1) - 1;
  if (
    reply.isDestination && (run.destinationTtl === undefined || entry.ttl < run.destinationTtl)
  ) {
    run.destinationTtl = entry.ttl;
  }
  const hop = run.hops[entry.ttl - 1]!;
  const monoSeconds = (nowMono - entry.sentMono) / 1000;
  let rtt = (reply.receivedNs - entry.sentNs) / 1e9;
  if (!(rtt >= 0 && rtt <= monoSeconds + 0.001)) rtt = monoSeconds; // the wall clock stepped
  hop.rttsSeconds.push(rtt);
  hop.addresses.set(reply.from, (hop.addresses.get(reply.from) ?? 0) + 1);
  if (outstandingOf(run, run.hops.length) === 0) run.wake?.();
}

/** What a finished run found: its hops up to the limit, and the unreachable router if any. */
export function runResult(run: RunState, maxHops: number): TraceResult {
  return {
    hops: run.hops.slice(0, limitOf(run, maxHops)),
    destinationTtl: run.destinationTtl,
    unreachable: run.destinationTtl === undefined && run.unreachable
      ? {
        hop: run.unreachable.ttl,
        from: compactIp(run.unreachable.from),
        code: run.unreachable.code,
      }
      : undefined,
  };
}

/** The result of a run that could not start: `error` with the thrown message. */
export function errorResult(error: unknown): TraceResult {
  const detail = error instanceof Error ? error.message : String(error);
  return { hops: [], failure: { reason: "error", detail } };
}

/** The result of a run none of whose probes could be sent. */
export function sendFailedResult(errno: number | undefined): TraceResult {
  return {
    hops: [],
    failure: {
      reason: errno === undefined ? "error" : errnoReason(errno),
      detail: `sendto failed: errno ${errno ?? 0}`,
    },
  };
}
