/** @module The `vmprober_sd_*` metrics of target sources, on the agent's registry. */
import { Counter, Gauge, type Registry } from "../base/prom.ts";
import { SOURCE_FAILURE_REASONS, type SourceFailureReason } from "./source_error.ts";

/** The handles the target manager updates. */
export interface SdMetrics {
  targets: Gauge<"source">;
  failures: Counter<"source" | "reason">;
  lastSuccess: Gauge<"source">;
  healthy: Gauge<"source">;
  /** Labels dropped from SD data (reason `reserved`: a name the agent's own series use). */
  labelsDropped: Counter<"source" | "reason">;
  /** Creates a source's series (failure counters at 0). */
  init(source: string): void;
  /** Removes every series of a source that left the config. */
  remove(source: string): void;
  fail(source: string, reason: SourceFailureReason): void;
}

function reuse<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

/** Registers (or reuses, when already on the registry) the SD metrics. */
export function createSdMetrics(registry: Registry): SdMetrics {
  const registers = [registry];
  const targets = reuse(registry, "vmprober_sd_targets", () =>
    new Gauge({
      name: "vmprober_sd_targets",
      help: "Targets currently provided by each target source (its last good load).",
      labelNames: ["source"] as const,
      registers,
    }));
  const failures = reuse(registry, "vmprober_sd_refresh_failures_total", () =>
    new Counter({
      name: "vmprober_sd_refresh_failures_total",
      help: "Failed loads of a target source, by reason; the source keeps its last good targets.",
      labelNames: ["source", "reason"] as const,
      registers,
    }));
  const lastSuccess = reuse(
    registry,
    "vmprober_sd_last_success_timestamp_seconds",
    () =>
      new Gauge({
        name: "vmprober_sd_last_success_timestamp_seconds",
        help: "Unix time of the last successful load of a target source.",
        labelNames: ["source"] as const,
        registers,
      }),
  );
  const healthy = reuse(registry, "vmprober_sd_source_healthy", () =>
    new Gauge({
      name: "vmprober_sd_source_healthy",
      help: "1 when the last load of a target source succeeded, else 0.",
      labelNames: ["source"] as const,
      registers,
    }));
  const labelsDropped = reuse(registry, "vmprober_sd_labels_dropped_total", () =>
    new Counter({
      name: "vmprober_sd_labels_dropped_total",
      help: "Target labels from SD data dropped, by reason (reserved: a name our series use).",
      labelNames: ["source", "reason"] as const,
      registers,
    }));
  return {
    targets,
    failures,
    lastSuccess,
    healthy,
    labelsDropped,
    init(source) {
      for (const reason of SOURCE_FAILURE_REASONS) failures.inc({ source, reason }, 0);
      labelsDropped.inc({ source, reason: "reserved" }, 0);
    },
    remove(source) {
      targets.remove({ source });
      lastSuccess.remove({ source });
      healthy.remove({ source });
      for (const reason of SOURCE_FAILURE_REASONS) failures.remove({ source, reason });
      labelsDropped.remove({ source, reason: "reserved" });
    },
    fail(source, reason) {
      failures.inc({ source, reason });
      healthy.set({ source }, 0);
    },
  };
}
