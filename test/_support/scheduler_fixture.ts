/** @module The scheduler on a fake clock for scheduler tests, with jobs that record their run times. */
import { createScheduler, type JobSpec, type SkipReason } from "../../src/schedule/scheduler.ts";
import { createWorkerPool } from "../../src/pool/worker_pool.ts";
import { FakeClock } from "./fake_clock.ts";

/** A scheduler on a fake clock (rates 1e6 unless given), counting skips, delays and lags. */
export function schedulerSetup(
  options: { globalRate?: number; perHostRate?: number; concurrency?: number; maxQueue?: number } =
    {},
) {
  const clock = new FakeClock();
  const pool = createWorkerPool({
    concurrency: options.concurrency ?? 1000,
    maxQueue: options.maxQueue ?? 10_000,
  });
  const skips: Record<string, number> = {};
  let delayed = 0;
  const lags: number[] = [];
  const scheduler = createScheduler({
    clock,
    pool,
    globalRate: options.globalRate ?? 1e6,
    perHostRate: options.perHostRate ?? 1e6,
    hooks: {
      skipped: (r: SkipReason) => (skips[r] = (skips[r] ?? 0) + 1),
      delayed: () => delayed++,
      lag: (s) => lags.push(s),
    },
  });
  return { clock, pool, scheduler, skips, lags, delayed: () => delayed };
}

/** A job keyed `key` (host: the part after `|`, else the key) pushing each run's time to `runs`. */
export function recordingJob(
  key: string,
  runs: number[],
  clock: FakeClock,
  extra: Partial<JobSpec> = {},
): JobSpec {
  return {
    key,
    host: key.split("|")[1] ?? key,
    intervalMs: 1000,
    jitter: 1,
    version: "v1",
    run: () => {
      runs.push(clock.now());
      return Promise.resolve();
    },
    ...extra,
  };
}
