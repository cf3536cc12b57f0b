/**
 * @module The metric families the agent pushes, with their type and help: the remote-write
 * `metadata` the pusher sends (metadata.ts). A family added to record_encoder.ts gets a line here.
 */

/** Metric types of remote write 1.0's `MetricMetadata.type`. */
export type FamilyType = "counter" | "gauge" | "histogram" | "summary" | "info" | "stateset";

/** One pushed family. */
export interface PushedFamily {
  name: string;
  type: FamilyType;
  help: string;
  /** The unit, when the name ends in one (`seconds`, `ratio`). */
  unit?: string;
}

/** Every family record_encoder.ts writes, in the order it writes them. */
export const PUSHED_FAMILIES: readonly PushedFamily[] = [
  { name: "probe_success", type: "gauge", help: "Whether the probe succeeded (1) or not (0)." },
  {
    name: "probe_duration_seconds",
    type: "gauge",
    help: "How long the probe took, in seconds.",
    unit: "seconds",
  },
  { name: "probe_ip_protocol", type: "gauge", help: "IP protocol of the probe: 4 or 6." },
  {
    name: "probe_ssl_earliest_cert_expiry",
    type: "gauge",
    help: "Expiry of the peer certificate, Unix seconds.",
    unit: "seconds",
  },
  {
    name: "vmprober_icmp_loss_ratio",
    type: "gauge",
    help: "Share of ICMP echo requests of the probe that got no reply (0..1).",
    unit: "ratio",
  },
  {
    name: "vmprober_icmp_rtt_seconds",
    type: "gauge",
    help: "ICMP round-trip times of the probe by stat: min, avg, median, max, stddev.",
    unit: "seconds",
  },
];

/** The pushed families: the fixed ones, and the gauges probes report (http, dns), as seen. */
export interface FamilyBook {
  /** Notes a gauge family (first help wins; at most 1,000 families are kept). */
  note(name: string, help: string): void;
  list(): readonly PushedFamily[];
}

/** A book holding {@linkcode PUSHED_FAMILIES} and whatever gauges are noted. */
export function createFamilyBook(): FamilyBook {
  const seen = new Map<string, PushedFamily>(PUSHED_FAMILIES.map((f) => [f.name, f]));
  let list: readonly PushedFamily[] = PUSHED_FAMILIES;
  return {
    note(name, help) {
      if (seen.has(name) || seen.size >= 1000) return;
      seen.set(name, { name, type: "gauge", help });
      list = [...seen.values()];
    },
    list: () => list,
  };
}
