/** @module Retries: re-run a failed attempt, within the job's interval, up to `retries` times. */
import type { Probe, ProbeOutcome } from "./types.ts";
import type { ProbeJob } from "../schedule/job.ts";

/** Runs `probe` up to `1 + retries` times; returns the first success or the last failure. */
export async function runWithRetries(
  probe: Probe,
  job: ProbeJob,
  options: { retries: number; signal: AbortSignal; budgetMs: number },
): Promise<ProbeOutcome & { attempts: number }> {
  const started = performance.now();
  let attempts = 0;
  for (;;) {
    attempts++;
    const outcome = await probe.run(job, options.signal);
    const left = options.budgetMs - (performance.now() - started);
    if (
      outcome.success || attempts > options.retries || options.signal.aborted ||
      left < job.timeoutMs
    ) {
      // The outcome is this run's own object: the count goes on it (no copy per probe).
      const out = outcome as ProbeOutcome & { attempts: number };
      out.attempts = attempts;
      return out;
    }
  }
}
