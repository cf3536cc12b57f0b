/**
 * @module The normalizer: every probe outcome becomes one ResultRecord, exact duplicates are
 * dropped (and counted), and the record fans out to every sink (live metrics, WAL, last-result
 * table); a sink that throws loses that record only, and each such loss is counted.
 */
import type { ProbeType } from "../config/schema.ts";
import { Counter, Registry } from "../base/prom.ts";
import type { ProbeOutcome } from "../probes/types.ts";
import type { ResultRecord, Sink } from "./types.ts";
import { logger } from "../log.ts";
import { runSync, STEP_ITEMS, type Steps } from "../base/slices.ts";

/** The identity and labels of the job an outcome belongs to. */
export interface JobIdentity {
  /** The job's key, as the scheduler knows it. */
  key: string;
  target: string;
  probe: string;
  type: ProbeType;
  labels: Readonly<Record<string, string>>;
  /** The `job` label (absent: the module name). */
  job?: string;
}

/** Accepts outcomes; see the module doc. */
export interface Normalizer {
  accept(job: JobIdentity, outcome: ProbeOutcome & { attempts: number }, timestampMs: number): void;
  /** Forgets dedupe state of jobs no longer scheduled. */
  retain(keys: ReadonlySet<string>): void;
  /** {@linkcode Normalizer.retain} as steps (a `yield` every few hundred jobs). */
  retainSteps(keys: Pick<ReadonlySet<string>, "has">): Steps<void>;
  readonly duplicates: number;
}

/** Options of {@linkcode createNormalizer}. */
export interface NormalizerOptions {
  /** Where the drop counters register; a private registry when absent. */
  registry?: Registry;
}

/**
 * Creates a normalizer writing to `sinks`, in order: by name, or a list (named by index). Counts
 * `vmprober_results_dropped_total{reason="duplicate"}` and
 * `vmprober_sink_records_dropped_total{sink,reason="error"}`.
 */
export function createNormalizer(
  sinks: readonly Sink[] | Readonly<Record<string, Sink>> = [],
  options: NormalizerOptions = {},
): Normalizer {
  const targets = Object.entries(sinks);
  const registers = [options.registry ?? new Registry()];
  const dropped = new Counter({
    name: "vmprober_results_dropped_total",
    help:
      "Probe results dropped before any sink, by reason (duplicate: same job, same start time).",
    labelNames: ["reason"] as const,
    registers,
  });
  dropped.inc({ reason: "duplicate" }, 0);
  const sinkDropped = new Counter({
    name: "vmprober_sink_records_dropped_total",
    help: "Records a sink failed to take (the other sinks still got them), by sink and reason.",
    labelNames: ["sink", "reason"] as const,
    registers,
  });
  for (const [sink] of targets) sinkDropped.inc({ sink, reason: "error" }, 0);
  const lastSeen = new Map<string, number>();
  const log = logger("results");
  let duplicates = 0;
  const failing = new Set<string>();
  return {
    accept(job, outcome, timestampMs) {
      if (lastSeen.get(job.key) === timestampMs) {
        duplicates++;
        dropped.inc({ reason: "duplicate" });
        return;
      }
      lastSeen.set(job.key, timestampMs);
      const record: ResultRecord = { ...outcome, timestampMs, ...job };
      const batch = [record];
      for (let i = 0; i < targets.length; i++) {
        const [sink, target] = targets[i]!;
        try {
          target.write(batch);
          if (failing.delete(sink)) log.info("Sink {sink} recovered", { sink });
        } catch (e) {
          sinkDropped.inc({ sink, reason: "error" });
          if (!failing.has(sink)) {
            log.error("Cannot write to sink {sink}: {error}", { sink, error: String(e) });
          }
          failing.add(sink);
        }
      }
    },
    retain(keys) {
      runSync(this.retainSteps(keys));
    },
    *retainSteps(keys) {
      let n = 0;
      for (const k of lastSeen.keys()) {
        if (++n % STEP_ITEMS === 0) yield;
        if (!keys.has(k)) lastSeen.delete(k);
      }
    },
    get duplicates() {
      return duplicates;
    },
  };
}
