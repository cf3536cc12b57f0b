/** @module Turns a result record into the flat samples that are written to the WAL and pushed. */
import type { ResultRecord } from "./types.ts";
import { DURATION_FAMILIES, jobLabels, probeSamples, pushedExtraSamples } from "./probe_samples.ts";

/**
 * A time in seconds as stored and pushed: rounded to float32 precision (relative 6e-8, i.e. 0.3 µs
 * at 5 s, far below probe timing noise). The zeroed low mantissa bytes compress: about one byte
 * less per sample on disk.
 *
 * @example
 * ```ts
 * import { storedSeconds } from "./series.ts";
 * const d = 0.000954998;
 * if (Math.abs(storedSeconds(d) - d) / d > 1e-7) throw new Error("more than float32 rounding");
 * ```
 */
export function storedSeconds(seconds: number): number {
  return Math.fround(seconds);
}

/** One sample of one series: sorted-free label pairs with `__name__` first. */
export interface Series {
  /** `[name, value]` pairs; the first is `["__name__", metric]`. */
  labels: [string, string][];
  value: number;
  timestampMs: number;
}

/**
 * The samples one record produces, in a fixed order: blackbox_exporter's set
 * ({@linkcode probeSamples}), then the pushed ICMP figures (`vmprober_icmp_loss_ratio`,
 * `vmprober_icmp_rtt_seconds{stat}`). Labels: {@linkcode jobLabels}, then the sample's own;
 * `extra` labels (push.extra_labels) are added last and never override the record's own labels.
 *
 * @example
 * ```ts
 * import { recordToSeries } from "./series.ts";
 * const s = recordToSeries({
 *   timestampMs: 1000, target: "127.0.0.1:22", probe: "ssh", type: "tcp", labels: {},
 *   success: true, durationSeconds: 0.001, attempts: 1,
 * });
 * if (s[0]?.labels[0]?.[1] !== "probe_success" || s[0]?.value !== 1) throw new Error();
 * ```
 */
export function recordToSeries(
  record: ResultRecord,
  extra: Readonly<Record<string, string>> = {},
): Series[] {
  const base = jobLabels(record);
  for (const [k, v] of Object.entries(extra)) {
    if (!base.some(([b]) => b === k)) base.push([k, v]);
  }
  const ts = record.timestampMs;
  return [...probeSamples(record), ...pushedExtraSamples(record)].map((s) => ({
    labels: [["__name__", s.name], ...base, ...(s.labels ?? []).map(([k, v]) => [k, v])] as [
      string,
      string,
    ][],
    value: DURATION_FAMILIES.has(s.name) ? storedSeconds(s.value) : s.value,
    timestampMs: ts,
  }));
}
