/**
 * @module The state of echo runs in flight on one channel: a run, each request of it waiting for
 * its reply, and the per-run cookie kept as two numbers (no buffer per run). Pure.
 */
import type { FailureReason } from "../types.ts";
import type { EchoRunResult } from "./types.ts";

/** One run of `count` echoes to one address. */
export interface RunState {
  rtts: (number | undefined)[];
  /** Monotonic ms the latest reply arrived (its kernel stamp on the monotonic scale). */
  lastArrivalMono: number;
  /** Monotonic ms the first request went out. */
  firstSentMono?: number;
  hopLimit?: number;
  answered: number;
  /** Requests an ICMP error came back for (unreachable, time exceeded, too big). */
  errored: number;
  /** The first such error, as the run's failure when no reply came. */
  error?: { reason: FailureReason; detail: string };
  sent: number;
  sending: boolean;
  /** Monotonic ms the run gives up waiting for replies. */
  deadline: number;
  /** The caller's signal: the poll wakes a waiting run once it aborted. */
  signal?: AbortSignal;
  wake?: () => void;
  /** The payload cookie: bytes 0-3 and 4-7 as big-endian numbers, `cookieLength` of them used. */
  cookieHigh: number;
  cookieLow: number;
  cookieLength: number;
}

/** A destination of a channel, made once per address and shared by its requests. */
export interface Destination {
  /** The target's canonical address text: an ICMP error must name it. */
  readonly source: string;
  /** The target's address bytes (4 or 16) at `bytes[at..]`, a chunk shared by many. */
  readonly bytes: Uint8Array;
  readonly at: number;
}

/** One request waiting for its reply. */
export interface Pending {
  /** Where it went: a reply must come from there, an ICMP error must name it. */
  dest: Destination;
  sentNs: number;
  sentMono: number;
  index: number;
  run: RunState;
  /** An ICMP error came back for it. */
  errored?: boolean;
}

/** Whether every request the run sent has its reply or error (and it sends no more). */
export function settled(run: RunState): boolean {
  return !run.sending && run.answered + run.errored >= run.sent;
}

/** Byte `i` (0-7) of the run's cookie. */
export function cookieByte(run: RunState, i: number): number {
  return i < 4 ? (run.cookieHigh >>> (24 - 8 * i)) & 0xff : (run.cookieLow >>> (56 - 8 * i)) & 0xff;
}

/**
 * Whether `bytes[at..]` starts with the run's cookie (`available` bytes are there to compare).
 *
 * @example
 * ```ts
 * import { cookieMatches, type RunState } from "./echo_run_state.ts";
 * const run = { cookieHigh: 0x01020304, cookieLow: 0x05060708, cookieLength: 8 } as RunState;
 * console.assert(cookieMatches(run, new Uint8Array([9, 1, 2, 3, 4, 5, 6, 7, 8]), 1, 8));
 * console.assert(!cookieMatches(run, new Uint8Array([9, 1, 2, 3, 4, 5, 6, 7, 0]), 1, 8));
 * ```
 */
export function cookieMatches(
  run: RunState,
  bytes: Uint8Array,
  at: number,
  available: number,
): boolean {
  const n = run.cookieLength;
  if (available < n) return false;
  for (let i = 0; i < n; i++) if (bytes[at + i] !== cookieByte(run, i)) return false;
  return true;
}

/** Sets the run's cookie from the first `length` (at most 8) bytes of `bytes`. */
export function setCookie(run: RunState, bytes: Uint8Array, length: number): void {
  let high = 0;
  let low = 0;
  for (let i = 0; i < 8; i++) {
    const b = i < length ? bytes[i]! : 0;
    if (i < 4) high = high * 256 + b;
    else low = low * 256 + b;
  }
  run.cookieHigh = high;
  run.cookieLow = low;
  run.cookieLength = length;
}

/** A fresh run of `count` echoes that gives up at `deadline` (monotonic ms). */
export function newRun(count: number, deadline: number, signal?: AbortSignal): RunState {
  return {
    rtts: new Array(count),
    lastArrivalMono: 0,
    answered: 0,
    errored: 0,
    sent: 0,
    sending: true,
    deadline,
    signal,
    cookieHigh: 0,
    cookieLow: 0,
    cookieLength: 0,
  };
}

/** The result of a run that found no free key. */
export function noSequence(): EchoRunResult {
  return {
    sent: 0,
    rttsSeconds: [],
    failure: { reason: "error", detail: "no free ICMP sequence" },
  };
}

/**
 * The result of a finished run of `count` echoes: `failure` (a send's) counts when nothing was
 * sent, the first ICMP error when nothing answered.
 */
export function runResult(
  run: RunState,
  count: number,
  failure: EchoRunResult["failure"],
  nowMono: number,
): EchoRunResult {
  // Every echo answered: the list as it is (one echo per run is the common case).
  const rttsSeconds = run.answered === count
    ? run.rtts as number[]
    : run.rtts.filter((r): r is number => r !== undefined);
  // Every reply in: the run ended when the last one reached the host (its kernel stamp), not
  // when a poll got round to reading it; otherwise it ended at the deadline (now).
  const endMono = run.sent > 0 && run.answered + run.errored >= run.sent
    ? run.lastArrivalMono
    : nowMono;
  return {
    sent: run.sent,
    rttsSeconds,
    failure: run.sent === 0 ? failure : run.answered === 0 ? run.error : undefined,
    firstSentMono: run.firstSentMono,
    endMono,
    hopLimit: run.hopLimit,
  };
}
