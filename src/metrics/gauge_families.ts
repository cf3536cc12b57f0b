/**
 * @module The families of the type-specific gauges records carry (`ProbeOutcome.gauges`, e.g.
 * `probe_http_status_code`), for the live exposition: their names in order of first appearance and
 * one sample line each.
 */
import type { ProbeGauge } from "../probes/types.ts";
import type { ResultRecord } from "../results/types.ts";
import { formatValue, labelText } from "./exposition.ts";

/** Every gauge family among `records`, each once, in order of first appearance. */
export function gaugeFamilies(records: Iterable<ResultRecord>): { name: string; help: string }[] {
  const seen = new Map<string, string>();
  for (const r of records) {
    for (const g of r.gauges ?? []) if (!seen.has(g.name)) seen.set(g.name, g.help);
  }
  return Array.from(seen, ([name, help]) => ({ name, help }));
}

/**
 * One sample line: `name{job labels,gauge labels} value`.
 *
 * @example
 * ```ts
 * import { gaugeLine } from "./gauge_families.ts";
 * const g = { name: "probe_http_duration_seconds", help: "", value: 0.5, labels: [["phase", "tls"]] as const };
 * if (gaugeLine('probe="h"', g) !== 'probe_http_duration_seconds{probe="h",phase="tls"} 0.5') throw new Error();
 * ```
 */
export function gaugeLine(jobLabels: string, g: ProbeGauge): string {
  const more = g.labels?.length ? `,${labelText(g.labels)}` : "";
  return `${g.name}{${jobLabels}${more}} ${formatValue(g.value)}`;
}
