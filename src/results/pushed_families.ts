/**
 * @module The metric families the agent pushes, with their type and help: the remote-write
 * `metadata` the pusher sends (metadata.ts), from probe_samples.ts' family tables.
 */
import { PROBE_FAMILIES, PUSHED_EXTRA_FAMILIES } from "./probe_samples.ts";

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

/**
 * Every family record_encoder.ts writes (probe_samples.ts' blackbox set and the pushed ICMP
 * figures), with a unit where the name ends in one.
 */
export const PUSHED_FAMILIES: readonly PushedFamily[] = [
  ...PROBE_FAMILIES,
  ...PUSHED_EXTRA_FAMILIES,
].map((f) => {
  const unit = /_(seconds|ratio|bytes)$/.exec(f.name)?.[1];
  return unit ? { name: f.name, type: f.type, help: f.help, unit } : {
    name: f.name,
    type: f.type,
    help: f.help,
  };
});

/** The pushed families: the fixed ones, and the gauges probes report (http, dns), as seen. */
export interface FamilyBook {
  /** Notes a gauge (or counter) family (first help wins; at most 1,000 families are kept). */
  note(name: string, help: string, type?: "gauge" | "counter"): void;
  list(): readonly PushedFamily[];
}

/** A book holding {@linkcode PUSHED_FAMILIES} and whatever gauges are noted. */
export function createFamilyBook(): FamilyBook {
  const seen = new Map<string, PushedFamily>(PUSHED_FAMILIES.map((f) => [f.name, f]));
  let list: readonly PushedFamily[] = PUSHED_FAMILIES;
  return {
    note(name, help, type = "gauge") {
      if (seen.has(name) || seen.size >= 1000) return;
      seen.set(name, { name, type, help });
      list = [...seen.values()];
    },
    list: () => list,
  };
}
