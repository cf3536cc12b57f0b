/**
 * @module The reference of what one result record becomes: flat samples, one per series, in the
 * agent's fixed order. `createRecordEncoder()` must write exactly
 * `encodeWriteRequest(records.flatMap((r) => recordToSeries(r, extra)))`.
 */
import type { ResultRecord } from "../../src/results/types.ts";
import { storedSeconds } from "../../src/results/series.ts";
import {
  DURATION_FAMILIES,
  jobLabels,
  probeSamples,
  pushedExtraSamples,
} from "../../src/results/probe_samples.ts";

/** One sample of one series: sorted-free label pairs with `__name__` first. */
export interface Series {
  /** `[name, value]` pairs; the first is `["__name__", metric]`. */
  labels: [string, string][];
  value: number;
  timestampMs: number;
}

/**
 * The samples one record produces, in a fixed order: blackbox_exporter's set
 * (`probeSamples()`), then the pushed ICMP figures (`vmprober_icmp_loss_ratio`,
 * `vmprober_icmp_rtt_seconds{stat}`). Labels: `jobLabels()`, then the sample's own; `extra`
 * labels (push.extra_labels) are added last and never override the record's own labels.
 *
 * @example
 * ```ts
 * import { recordToSeries } from "./record_series.ts";
 * const s = recordToSeries({
 *   key: "ssh|127.0.0.1:22",
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
    labels: [
      ["__name__", s.name] as [string, string],
      ...base,
      ...(s.labels ?? []).map(([k, v]) => [k, v] as [string, string]),
    ],
    value: DURATION_FAMILIES.has(s.name) ? storedSeconds(s.value) : s.value,
    timestampMs: ts,
  }));
}
