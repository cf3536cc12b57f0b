/**
 * @module A sink that keeps each job's recent history in compact typed arrays, for the status
 * page: a ring of time buckets (`step` wide, `window` long) with min/median/max RTT, loss and run
 * counts, plus the last few results with their reasons. Memory is fixed per job (see
 * {@linkcode historyBytesPerJob}) and allocated in slabs of 256 jobs, not one object per result.
 */
import type { ResultRecord, Sink } from "./types.ts";
import { FAILURE_REASONS, type FailureReason } from "../probes/types.ts";
import { decodeRtt, encodeRtt } from "./rtt_code.ts";
import { runSync, STEP_ITEMS, type Steps } from "../base/slices.ts";

/** Shape of the ring (from `agent.history`). */
export interface HistoryShape {
  /** How far back the buckets reach, ms. */
  windowMs: number;
  /** Width of one bucket, ms. */
  stepMs: number;
  /** How many of the last results are kept one by one. */
  results: number;
}

/** One bucket of the history: RTTs in seconds (NaN when no run in it had one). */
export interface HistoryPoint {
  /** Bucket start, Unix ms. */
  timeMs: number;
  minSeconds: number;
  medianSeconds: number;
  maxSeconds: number;
  /** Mean loss ratio of its runs (a failed non-ICMP run counts as loss 1). */
  loss: number;
  runs: number;
}

/** One of the last results. */
export interface RecentResult {
  timeMs: number;
  durationSeconds: number;
  /** Median RTT (ICMP), connect time (other successes), NaN when none. */
  rttSeconds: number;
  reason: FailureReason | null;
  /** ICMP loss ratio, else null. */
  loss: number | null;
}

/** The history of every job, by job key (`jobKey(probe, target)`). */
export interface RecentRing extends Sink {
  /** Buckets inside the window ending at `nowMs`, oldest first; empty buckets are left out. */
  points(key: string, nowMs: number): HistoryPoint[];
  /** Mean loss over the window (weighted by runs), or null without runs. */
  loss(key: string, nowMs: number): number | null;
  /** The last results, newest first. */
  recent(key: string): RecentResult[];
  /** Forgets every job not in `keys` (their slots are reused). */
  retain(keys: ReadonlySet<string>): void;
  /** {@linkcode RecentRing.retain} as steps (a `yield` every few hundred jobs). */
  retainSteps(keys: Pick<ReadonlySet<string>, "has">): Steps<void>;
  /** Bytes of typed arrays allocated (all slabs). */
  bytes(): number;
  readonly shape: HistoryShape;
}

const SLAB = 256;
/** u16 fields per bucket: min, median, max (RTT codes), loss (×65535 mean), runs, RTT runs. */
const F = 6;
const LOSS_ONE = 65535;

/** Typed-array bytes one job costs: 12 per bucket, 18 per kept result, 12 of header. */
export function historyBytesPerJob(shape: HistoryShape): number {
  return bucketCount(shape) * F * 2 + shape.results * 18 + 12;
}

function bucketCount(shape: HistoryShape): number {
  return Math.max(1, Math.ceil(shape.windowMs / shape.stepMs));
}

interface Slab {
  buckets: Uint16Array;
  /** Newest bucket number written per job (`floor(timeMs / stepMs)`), -1 when none. */
  newest: Float64Array;
  times: Float64Array;
  durations: Float32Array;
  rtts: Float32Array;
  /** Per result: reason code (0 ok, 1+ index in FAILURE_REASONS), loss % (255 none). */
  codes: Uint8Array;
  /** Per job: next write position and count of kept results. */
  heads: Uint16Array;
}

/** Creates an empty ring store of the given shape. */
export function createRecentRing(shape: HistoryShape): RecentRing {
  const S = bucketCount(shape);
  const N = Math.max(0, Math.floor(shape.results));
  const slabs: Slab[] = [];
  const ids = new Map<string, number>();
  const free: number[] = [];

  const allocate = (key: string): number => {
    let id = free.pop();
    if (id === undefined) {
      id = slabs.length * SLAB;
      for (let i = SLAB - 1; i > 0; i--) free.push(id + i);
      slabs.push({
        buckets: new Uint16Array(SLAB * S * F),
        newest: new Float64Array(SLAB).fill(-1),
        times: new Float64Array(SLAB * N),
        durations: new Float32Array(SLAB * N),
        rtts: new Float32Array(SLAB * N),
        codes: new Uint8Array(SLAB * N * 2),
        heads: new Uint16Array(SLAB * 2),
      });
    }
    ids.set(key, id);
    return id;
  };

  const write = (r: ResultRecord) => {
    const id = ids.get(r.key) ?? allocate(r.key);
    const slab = slabs[id >> 8]!;
    const j = id & (SLAB - 1);
    const bucket = Math.floor(r.timestampMs / shape.stepMs);
    const newest = slab.newest[j]!;
    if (!(bucket >= 0 && bucket < 2 ** 40)) return recordRecent(slab, j, r); // not a sane time
    if (bucket > newest) {
      // Clear the buckets between the newest one and this one (at most all S).
      const from = newest < 0 ? bucket - S + 1 : Math.max(newest + 1, bucket - S + 1);
      for (let b = from; b <= bucket; b++) {
        const at = (j * S + (b % S)) * F;
        slab.buckets.fill(0, at, at + F);
      }
      slab.newest[j] = bucket;
    } else if (bucket <= newest - S) return recordRecent(slab, j, r); // older than the window
    const at = (j * S + (bucket % S)) * F;
    const b = slab.buckets;
    const runs = b[at + 4]!;
    const loss = r.icmp ? r.icmp.lossRatio : r.success ? 0 : 1;
    if (runs < 65535) {
      b[at + 3] = Math.round((b[at + 3]! * runs + loss * LOSS_ONE) / (runs + 1));
      b[at + 4] = runs + 1;
    }
    const rtt = r.icmp ? (r.icmp.received > 0 ? r.icmp : undefined) : r.success
      ? {
        minSeconds: r.durationSeconds,
        medianSeconds: r.durationSeconds,
        maxSeconds: r.durationSeconds,
      }
      : undefined;
    const oks = b[at + 5]!;
    if (rtt && oks < 65535) {
      const lo = encodeRtt(rtt.minSeconds), med = encodeRtt(rtt.medianSeconds);
      const hi = encodeRtt(rtt.maxSeconds);
      b[at] = oks === 0 ? lo : Math.min(b[at]!, lo);
      b[at + 2] = Math.max(b[at + 2]!, hi);
      // Medians of runs in one bucket are averaged in the log domain (geometric mean).
      b[at + 1] = Math.round((b[at + 1]! * oks + med) / (oks + 1));
      b[at + 5] = oks + 1;
    }
    recordRecent(slab, j, r);
  };

  const recordRecent = (slab: Slab, j: number, r: ResultRecord) => {
    if (N === 0) return;
    const pos = slab.heads[j * 2]!;
    const i = j * N + pos;
    slab.times[i] = r.timestampMs;
    slab.durations[i] = r.durationSeconds;
    slab.rtts[i] = r.icmp
      ? (r.icmp.received > 0 ? r.icmp.medianSeconds : NaN)
      : r.success
      ? r.durationSeconds
      : NaN;
    slab.codes[i * 2] = r.reason ? FAILURE_REASONS.indexOf(r.reason) + 1 : 0;
    slab.codes[i * 2 + 1] = r.icmp ? Math.round(r.icmp.lossRatio * 100) : 255;
    slab.heads[j * 2] = (pos + 1) % N;
    slab.heads[j * 2 + 1] = Math.min(N, slab.heads[j * 2 + 1]! + 1);
  };

  const locate = (key: string) => {
    const id = ids.get(key);
    return id === undefined ? undefined : { slab: slabs[id >> 8]!, j: id & (SLAB - 1) };
  };

  /** Calls `each(at, bucket)` for every non-empty bucket in the window, oldest first. */
  const scan = (
    key: string,
    nowMs: number,
    each: (b: Uint16Array, at: number, n: number) => void,
  ) => {
    const found = locate(key);
    if (!found) return;
    const { slab, j } = found;
    const newest = slab.newest[j]!;
    const last = Math.floor(nowMs / shape.stepMs);
    for (let n = Math.max(last - S + 1, newest - S + 1); n <= Math.min(last, newest); n++) {
      const at = (j * S + (n % S)) * F;
      if (slab.buckets[at + 4]! > 0) each(slab.buckets, at, n);
    }
  };

  return {
    shape,
    write(records) {
      for (const r of records) write(r);
    },
    points(key, nowMs) {
      const out: HistoryPoint[] = [];
      scan(key, nowMs, (b, at, n) =>
        out.push({
          timeMs: n * shape.stepMs,
          minSeconds: decodeRtt(b[at]!),
          medianSeconds: decodeRtt(b[at + 1]!),
          maxSeconds: decodeRtt(b[at + 2]!),
          loss: b[at + 3]! / LOSS_ONE,
          runs: b[at + 4]!,
        }));
      return out;
    },
    loss(key, nowMs) {
      let runs = 0, sum = 0;
      scan(key, nowMs, (b, at) => {
        runs += b[at + 4]!;
        sum += b[at + 3]! * b[at + 4]!;
      });
      return runs === 0 ? null : sum / LOSS_ONE / runs;
    },
    recent(key) {
      const found = locate(key);
      if (!found || N === 0) return [];
      const { slab, j } = found;
      const out: RecentResult[] = [];
      const pos = slab.heads[j * 2]!, count = slab.heads[j * 2 + 1]!;
      for (let k = 1; k <= count; k++) {
        const i = j * N + ((pos - k + N) % N);
        const reason = slab.codes[i * 2]!;
        const loss = slab.codes[i * 2 + 1]!;
        out.push({
          timeMs: slab.times[i]!,
          durationSeconds: slab.durations[i]!,
          rttSeconds: slab.rtts[i]!,
          reason: reason === 0 ? null : FAILURE_REASONS[reason - 1] ?? "error",
          loss: loss === 255 ? null : loss / 100,
        });
      }
      return out;
    },
    retain(keys) {
      runSync(this.retainSteps(keys));
    },
    *retainSteps(keys) {
      let n = 0;
      for (const [key, id] of ids) {
        if (++n % STEP_ITEMS === 0) yield;
        if (keys.has(key)) continue;
        ids.delete(key);
        const slab = slabs[id >> 8]!, j = id & (SLAB - 1);
        slab.newest[j] = -1;
        slab.heads[j * 2] = slab.heads[j * 2 + 1] = 0;
        free.push(id);
      }
    },
    bytes: () =>
      slabs.reduce(
        (sum, s) =>
          sum + s.buckets.byteLength + s.newest.byteLength + s.times.byteLength +
          s.durations.byteLength + s.rtts.byteLength + s.codes.byteLength + s.heads.byteLength,
        0,
      ),
  };
}
