/** @module One scheduled job's run: probe with retries, then hand the outcome to the normalizer. */
import type { Clock } from "../base/clock.ts";
import type { JobDef } from "../schedule/job.ts";
import type { JobSpec } from "../schedule/scheduler.ts";
import type { ProbeLookup } from "../probes/registry.ts";
import type { Normalizer } from "./normalizer.ts";
import { runWithRetries } from "../probes/with_retries.ts";

/** What a job's run needs from the agent. */
export interface JobRunnerDeps {
  probes: ProbeLookup;
  normalizer: Normalizer;
  clock: Clock;
  /** Aborted when the agent stops: a failure caused by stopping is not recorded. */
  signal: AbortSignal;
}

/** Turns a job definition into the scheduler's job spec, whose `run` never rejects. */
export function toJobSpec(def: JobDef, deps: JobRunnerDeps): JobSpec {
  const { normalizer, clock, signal } = deps;
  const probe = deps.probes.get(def.job.type);
  const identity = {
    key: def.key,
    target: def.job.target,
    probe: def.job.probe,
    type: def.job.type,
    labels: def.labels,
    job: def.jobName,
  };
  const options = { retries: def.retries, signal, budgetMs: def.intervalMs };
  return {
    key: def.key,
    host: def.job.host,
    intervalMs: def.intervalMs,
    jitter: def.jitter,
    version: def.version,
    run: async () => {
      const timestampMs = clock.wallNow();
      const outcome = probe ? await runWithRetries(probe, def.job, options) : {
        success: false,
        durationSeconds: 0,
        reason: "error" as const,
        detail: `probe type ${def.job.type} is not available in this build`,
        attempts: 1,
      };
      if (signal.aborted && !outcome.success) return;
      normalizer.accept(identity, outcome, timestampMs);
    },
  };
}
