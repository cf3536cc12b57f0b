/**
 * @module The reference of what one result record becomes: flat samples, one per series, in the
 * agent's fixed order. `createRecordEncoder()` must write exactly
 * `encodeWriteRequest(recordsToSeries(records, extra))`.
 */
import type { ResultRecord } from "../../src/results/types.ts";
import { storedSeconds } from "../../src/results/series.ts";
import { buildLabelSet } from "../../src/results/label_set.ts";
import {
  DURATION_FAMILIES,
  jobLabels,
  probeSamples,
  pushedExtraSamples,
} from "../../src/results/probe_samples.ts";

/** One sample of one series. */
export interface Series {
  /** `[name, value]` pairs sorted by name, `__name__` among them. */
  labels: [string, string][];
  value: number;
  timestampMs: number;
  /** A stale marker (value NaN with the StaleNaN bits). */
  stale?: true;
}

const byName = ([a]: [string, string], [b]: [string, string]) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The samples one record produces, in a fixed order: blackbox_exporter's set
 * (`probeSamples()`), then the pushed ICMP figures. Labels: `jobLabels()` then `extra`
 * (push.extra_labels) as `buildLabelSet()` keeps them (the first of a name wins), with the
 * sample's own labels (checked the same way) winning over those, and `__name__`; sorted by name.
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
  const base = buildLabelSet([...jobLabels(record), ...Object.entries(extra)]);
  const ts = record.timestampMs;
  return [...probeSamples(record), ...pushedExtraSamples(record)].map((s) => {
    const own = buildLabelSet(s.labels ?? []);
    const labels: [string, string][] = [
      ["__name__", s.name],
      ...base.filter(([n]) => !own.some(([o]) => o === n)),
      ...own,
    ];
    return {
      labels: labels.sort(byName),
      value: DURATION_FAMILIES.has(s.name) ? storedSeconds(s.value) : s.value,
      timestampMs: ts,
    };
  });
}

/**
 * The samples a sequence of records produces, as the encoder writes them: each record's
 * {@linkcode recordToSeries}, then a stale marker at its timestamp for every series the previous
 * record of the same job had and this one lacks.
 */
export function recordsToSeries(
  records: readonly ResultRecord[],
  extra: Readonly<Record<string, string>> = {},
  last: Map<string, Series[]> = new Map(),
): Series[] {
  const out: Series[] = [];
  const id = (s: Series) => JSON.stringify(s.labels);
  for (const r of records) {
    const now = recordToSeries(r, extra);
    out.push(...now);
    const have = new Set(now.map(id));
    for (const s of last.get(r.key) ?? []) {
      if (!have.has(id(s))) {
        out.push({ labels: s.labels, value: NaN, timestampMs: r.timestampMs, stale: true });
      }
    }
    last.set(r.key, now);
  }
  return out;
}
