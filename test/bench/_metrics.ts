/**
 * @module Helpers for benchmarks: quantiles from Prometheus histograms and from raw samples,
 * sums, RSS and CPU from /proc.
 */

/** Sum of every sample of `name` (all label sets). */
export function sumMetric(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
      sum += Number(line.slice(line.lastIndexOf(" ") + 1));
    }
  }
  return sum;
}

/** Sum of the labelled samples of `name` whose line contains `filter` (e.g. `result="success"`). */
export function sumWhere(text: string, name: string, filter = ""): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith(name + "{") && line.includes(filter)) {
      sum += Number(line.slice(line.lastIndexOf(" ") + 1));
    }
  }
  return sum;
}

/** Cumulative bucket counts of an unlabelled histogram, by upper bound. */
export function histogramBuckets(text: string, name: string): [number, number][] {
  const out: [number, number][] = [];
  const re = new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\S+)$`);
  for (const line of text.split("\n")) {
    const m = re.exec(line);
    if (m) out.push([m[1] === "+Inf" ? Infinity : Number(m[1]), Number(m[2])]);
  }
  return out;
}

/** Difference of two bucket snapshots (a window). */
export function bucketDelta(
  after: [number, number][],
  before: [number, number][],
): [number, number][] {
  return after.map(([le, n], i) => [le, n - (before[i]?.[1] ?? 0)]);
}

/** The buckets of histogram `name` filled between two scrapes, `before` and `after`. */
export function histogramWindow(
  before: string,
  after: string,
  name: string,
): [number, number][] {
  return bucketDelta(histogramBuckets(after, name), histogramBuckets(before, name));
}

/** The q-quantile by linear interpolation inside the bucket, as Prometheus does. */
export function quantile(buckets: [number, number][], q: number): number {
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total === 0) return NaN;
  const rank = q * total;
  let prevLe = 0;
  let prevN = 0;
  for (const [le, n] of buckets) {
    if (n >= rank) {
      if (le === Infinity) return prevLe;
      return prevLe + ((le - prevLe) * (rank - prevN)) / Math.max(1, n - prevN);
    }
    prevLe = le;
    prevN = n;
  }
  return prevLe;
}

/** Resident set size of a process, bytes, from /proc. */
export function rssBytes(pid: number): number {
  const statm = Deno.readTextFileSync(`/proc/${pid}/statm`).split(" ");
  return Number(statm[1]) * 4096;
}

/** CPU seconds (user + system) of a process, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const f = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1]!.split(" ");
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** Median of numbers. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * The `q`-quantile of raw `values`: the sorted value at rank `floor(q * n)` (the largest for
 * q = 1), NaN for none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(sampleQuantile([4, 1, 3, 2], 0.5), 3);
 * ```
 */
export function sampleQuantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
}
