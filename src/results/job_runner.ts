/** @module One scheduled job's run: probe with retries, then hand the outcome to the normalizer. */
import type { Clock } from "../base/clock.ts";
import type { JobDef } from "../schedule/job.ts";
import type { JobSpec } from "../schedule/scheduler.ts";
import type { ProbeLookup } from "../probes/registry.ts";
import type { Probe } from "../probes/types.ts";
import type { JobIdentity, Normalizer } from "./normalizer.ts";
import { runWithRetries } from "../probes/with_retries.ts";

/** What a job's run needs from the agent. */
export interface JobRunnerDeps {
  probes: ProbeLookup;
  normalizer: Normalizer;
  clock: Clock;
  /** Aborted when the agent stops: a failure caused by stopping is not recorded. */
  signal: AbortSignal;
}

/**
 * A job spec as one small object whose `run` is a method, not a closure: 200,000 jobs are
 * 200,000 of these, and a closure per job (its function, its context, the identity and retry
 * options built up front) cost ~660 B each, ~130 MB of heap for every garbage collection to go
 * through; this is ~60 B (its definition, deps, probe and what the first run builds). The
 * identity is built at the first run.
 */
class JobRun implements JobSpec {
  #identity: JobIdentity | undefined;
  /** The retry options, the same every run (made at the first). */
  #options: { retries: number; signal: AbortSignal; budgetMs: number } | undefined;

  constructor(
    readonly def: JobDef,
    readonly deps: JobRunnerDeps,
    readonly probe: Probe | undefined,
  ) {}

  // Read through from the definition, not copied: five fields less per job (~40 B, 200,000 jobs
  // ~8 MB), and a fractional jitter is not boxed in a number of its own per job.
  get key(): string {
    return this.def.key;
  }
  get host(): string {
    return this.def.job.host;
  }
  get intervalMs(): number {
    return this.def.intervalMs;
  }
  get jitter(): number {
    return this.def.jitter;
  }
  get version(): string {
    return this.def.version;
  }

  async run(): Promise<void> {
    const { def, probe } = this;
    const { normalizer, clock, signal } = this.deps;
    const timestampMs = clock.wallNow();
    const options = this.#options ??= { retries: def.retries, signal, budgetMs: def.intervalMs };
    const outcome = probe ? await runWithRetries(probe, def.job, options) : {
      success: false,
      durationSeconds: 0,
      reason: "error" as const,
      detail: `probe type ${def.job.type} is not available in this build`,
      attempts: 1,
    };
    if (signal.aborted && !outcome.success) return;
    this.#identity ??= {
      key: def.key,
      target: def.job.target,
      probe: def.job.probe,
      type: def.job.type,
      labels: def.labels,
      job: def.jobName,
    };
    normalizer.accept(this.#identity, outcome, timestampMs);
  }
}

/** Turns a job definition into the scheduler's job spec, whose `run` never rejects. */
export function toJobSpec(def: JobDef, deps: JobRunnerDeps): JobSpec {
  return new JobRun(def, deps, deps.probes.get(def.job.type));
}
