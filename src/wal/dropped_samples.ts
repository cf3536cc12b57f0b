/**
 * @module `vmprober_push_dropped_samples_total{reason}`: one counter shared by the WAL
 * (`wal_full`, `disk_full`) and the pusher (`rejected`, …), registered once per registry.
 */
import { Counter, type Registry } from "../base/prom.ts";

/** The shared metric's name. */
export const DROPPED_SAMPLES_METRIC = "vmprober_push_dropped_samples_total";

/**
 * The dropped-samples counter of `registry`: the one already registered, or a new one.
 * Callers add their own `reason` label values.
 */
export function droppedSamplesCounter(registry: Registry): Counter<"reason"> {
  const existing = registry.getSingleMetric(DROPPED_SAMPLES_METRIC);
  if (existing) return existing as Counter<"reason">;
  return new Counter({
    name: DROPPED_SAMPLES_METRIC,
    help: "Samples dropped before reaching VictoriaMetrics, by reason",
    labelNames: ["reason"],
    registers: [registry],
  });
}
