/**
 * @module The reference of what one result record becomes: flat samples, one per series, in the
 * agent's fixed order. `createRecordEncoder()` must write exactly
 * `encodeWriteRequest(records.flatMap((r) => recordToSeries(r, extra)))`.
 */
import type { ResultRecord } from "../../src/results/types.ts";
import { jobLabelPairs, storedSeconds } from "../../src/results/series.ts";
import { buildLabelSet } from "../../src/results/label_set.ts";

/** One sample of one series. */
export interface Series {
  /** `[name, value]` pairs sorted by name, `__name__` among them. */
  labels: [string, string][];
  value: number;
  timestampMs: number;
  /** A stale marker (value NaN with the StaleNaN bits). */
  stale?: true;
}

/**
 * The samples one record produces, in a fixed order:
 * `probe_success`, `probe_duration_seconds`, then `probe_ip_protocol`, the TLS expiry and the
 * ICMP figures when the record has them. Labels are those of `jobLabelPairs()` as
 * `buildLabelSet()` keeps them (so `extra` never overrides the record's own), plus `__name__` and a
 * series' own label (`stat`, which wins over a job label of that name), sorted by name.
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
  const base = buildLabelSet(jobLabelPairs(record, extra));
  const ts = record.timestampMs;
  const out: Series[] = [];
  const add = (name: string, value: number, more?: [string, string]) => {
    const labels: [string, string][] = [["__name__", name], ...base];
    if (more) {
      const i = labels.findIndex(([n]) => n === more[0]);
      if (i >= 0) labels.splice(i, 1);
      labels.push(more);
    }
    labels.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    out.push({ labels, value, timestampMs: ts });
  };
  add("probe_success", record.success ? 1 : 0);
  add("probe_duration_seconds", storedSeconds(record.durationSeconds));
  if (record.ipProtocol !== undefined) add("probe_ip_protocol", record.ipProtocol);
  if (record.tlsCertExpiry !== undefined) {
    add("probe_ssl_earliest_cert_expiry", record.tlsCertExpiry);
  }
  const icmp = record.icmp;
  if (icmp) {
    add("vmprober_icmp_loss_ratio", icmp.lossRatio);
    if (icmp.received > 0) {
      add("vmprober_icmp_rtt_seconds", storedSeconds(icmp.minSeconds), ["stat", "min"]);
      add("vmprober_icmp_rtt_seconds", storedSeconds(icmp.avgSeconds), ["stat", "avg"]);
      add("vmprober_icmp_rtt_seconds", storedSeconds(icmp.medianSeconds), ["stat", "median"]);
      add("vmprober_icmp_rtt_seconds", storedSeconds(icmp.maxSeconds), ["stat", "max"]);
      add("vmprober_icmp_rtt_seconds", storedSeconds(icmp.stddevSeconds), ["stat", "stddev"]);
    }
  }
  for (const g of record.gauges ?? []) {
    // A gauge's own labels (checked like the job's) win over job labels of the same name.
    const own = buildLabelSet(g.labels ?? []);
    const labels: [string, string][] = [
      ["__name__", g.name],
      ...base.filter(([n]) => !own.some(([o]) => o === n)),
      ...own,
    ];
    labels.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    out.push({ labels, value: g.value, timestampMs: ts });
  }
  return out;
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
