/**
 * @module `vmprober_push_dropped_samples_total{reason, destination}`: one counter shared by the WAL
 * (`wal_full`, `disk_full`) and the pusher (`rejected`, …), registered once per registry.
 */
import { Counter, type Registry } from "../base/prom.ts";

/** The shared metric's name. */
export const DROPPED_SAMPLES_METRIC = "vmprober_push_dropped_samples_total";

/**
 * The dropped-samples counter of `registry`: the one already registered, or a new one.
 * Callers add their own `reason` label values.
 */
export function droppedSamplesCounter(registry: Registry): Counter<"reason" | "destination"> {
  const existing = registry.getSingleMetric(DROPPED_SAMPLES_METRIC);
  if (existing) return existing as Counter<"reason" | "destination">;
  return new Counter({
    name: DROPPED_SAMPLES_METRIC,
    help: "Samples dropped before reaching VictoriaMetrics, by reason (and push destination for " +
      "those one destination lost: rejected, resent, wal_full)",
    labelNames: ["reason", "destination"],
    registers: [registry],
  });
}
