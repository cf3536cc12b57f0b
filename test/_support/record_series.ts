/**
 * @module The reference of what one result record becomes: flat samples, one per series, in the
 * agent's fixed order. `createRecordEncoder()` must write exactly
 * `encodeWriteRequest(records.flatMap((r) => recordToSeries(r, extra)))`.
 */
import type { ResultRecord } from "../../src/results/types.ts";
import { storedSeconds } from "../../src/results/series.ts";

/** One sample of one series: sorted-free label pairs with `__name__` first. */
export interface Series {
  /** `[name, value]` pairs; the first is `["__name__", metric]`. */
  labels: [string, string][];
  value: number;
  timestampMs: number;
}

/**
 * The samples one record produces, in a fixed order:
 * `probe_success`, `probe_duration_seconds`, then `probe_ip_protocol`, the TLS expiry and the
 * ICMP figures when the record has them. `extra` labels (push.extra_labels) are added last and
 * never override the record's own labels.
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
  const base: [string, string][] = [
    ["probe", record.probe],
    ["type", record.type],
    ["target", record.target],
  ];
  for (const [k, v] of Object.entries(record.labels)) {
    if (k !== "probe" && k !== "type" && k !== "target") base.push([k, v]);
  }
  for (const [k, v] of Object.entries(extra)) {
    if (!base.some(([b]) => b === k)) base.push([k, v]);
  }
  const ts = record.timestampMs;
  const out: Series[] = [];
  const add = (name: string, value: number, more?: [string, string]) => {
    const labels: [string, string][] = [["__name__", name], ...base];
    if (more) labels.push(more);
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
    const labels: [string, string][] = [["__name__", g.name], ...base];
    for (const l of g.labels ?? []) labels.push([l[0], l[1]]);
    out.push({ labels, value: g.value, timestampMs: ts });
  }
  return out;
}
