/**
 * @module Targets → jobs → scheduler for the composition root (agent.ts): builds the jobs of a
 * target list, keeps this cluster member's share, hands them to the scheduler, and makes every
 * table forget the jobs that left (stale markers for their series). All in slices, one list at a
 * time, the newest list winning.
 */
import type { Clock } from "./base/clock.ts";
import type { Config } from "./config/schema.ts";
import { logger } from "./log.ts";
import { mapSteps, runSliced } from "./base/slices.ts";
import { buildJobSteps, type JobDef } from "./schedule/job.ts";
import type { JobSpec, Scheduler } from "./schedule/scheduler.ts";
import { type Shard, shardJobs, shardSteps } from "./schedule/shard.ts";
import type { SelfMetrics } from "./metrics/self_metrics.ts";
import type { ClusterMetrics } from "./metrics/cluster_metrics.ts";
import type { ProbeMetrics } from "./metrics/probe_metrics.ts";
import type { LastResults } from "./results/last_results.ts";
import type { RecentRing } from "./results/recent_ring.ts";
import type { Normalizer } from "./results/normalizer.ts";
import type { WalSink } from "./wal/wal_sink.ts";
import type { Target } from "./targets/types.ts";

/** What applying a target list touches. */
export interface TargetApplierDeps {
  config: () => Config;
  scheduler: Scheduler;
  toSpec: (def: JobDef) => JobSpec;
  self: SelfMetrics;
  clusterMetrics: ClusterMetrics;
  probeMetrics: ProbeMetrics;
  lastResults: LastResults;
  history: RecentRing;
  normalizer: Normalizer;
  walSink?: WalSink;
  clock: Clock;
  /** Aborted when the agent stops: a load in progress ends at its next slice. */
  signal: AbortSignal;
}

/** The applied state, and the way to change it. */
export interface TargetApplier {
  /** Applies `next` (or a newer list given meanwhile); resolves when no list is waiting. */
  apply(next: Target[]): Promise<void>;
  readonly targets: Target[];
  readonly jobs: JobDef[];
  readonly shard: Shard;
}

/** A target applier; one apply runs at a time, a list given meanwhile replaces the waiting one. */
export function createTargetApplier(deps: TargetApplierDeps): TargetApplier {
  const log = logger("agent");
  const { scheduler, self, probeMetrics, lastResults, history, normalizer, walSink } = deps;
  let jobs: JobDef[] = [];
  let targets: Target[] = [];
  let shard: Shard = shardJobs([], undefined);

  const applyOnce = async (next: Target[]) => {
    const { signal } = deps;
    const config = deps.config();
    const built = await runSliced(buildJobSteps(next, config), { signal });
    for (const r of built.rejected) {
      self.rejectedTargets.inc({ reason: r.reason });
      log.warn("Cannot schedule {target} with {probe}: {detail}", { ...r });
    }
    // Sharding: of a cluster's members, this one keeps the jobs of the targets it owns.
    const sharded = await runSliced(shardSteps(built.jobs, config.cluster), { signal });
    const specs = await runSliced(mapSteps(sharded.kept, deps.toSpec), { signal });
    const summary = await scheduler.apply(specs, signal);
    targets = next;
    shard = sharded;
    deps.clusterMetrics.update(config.cluster, sharded.kept.length, sharded.skipped);
    jobs = sharded.kept;
    // The kept keys are the scheduler's own (no Set of 2,000,000 keys built for the purpose).
    const keys = { has: (key: string) => scheduler.has(key) };
    // Each table forgets the jobs that left in slices too (200,000 jobs: ~0.1-0.4 s a table).
    await runSliced(probeMetrics.retainSteps(keys), { signal });
    // Series of jobs that ended (target or module removed) get a stale marker, as Prometheus
    // writes one when a target leaves; later than the job's last sample, so in order.
    const ended = await runSliced(lastResults.retainSteps(keys), { signal });
    const now = deps.clock.wallNow();
    await runSliced(
      mapSteps(ended, (r) => walSink?.writeStale([r], Math.max(now, r.timestampMs + 1))),
      { signal },
    );
    await runSliced(history.retainSteps(keys), { signal });
    await runSliced(normalizer.retainSteps(keys), { signal });
    self.jobs.set(jobs.length);
    self.targets.set(next.length);
    log.info("Scheduled {jobs} jobs on {targets} targets", {
      jobs: jobs.length,
      ...(config.cluster ? { member: config.cluster.member, skipped: shard.skipped } : {}),
      targets: next.length,
      ...summary,
    });
  };

  /** The newest target list not yet applied, and the apply running (one at a time). */
  let wanted: Target[] | undefined;
  let applying: Promise<void> | undefined;
  const apply = (next: Target[]): Promise<void> => {
    wanted = next;
    return applying ??= (async () => {
      try {
        while (wanted) {
          const list = wanted;
          wanted = undefined;
          try {
            await applyOnce(list);
          } catch (e) {
            if (!deps.signal.aborted) {
              log.error("Cannot schedule targets: {error}", { error: String(e) });
            }
          }
        }
      } finally {
        applying = undefined;
      }
    })();
  };

  return {
    apply,
    get targets() {
      return targets;
    },
    get jobs() {
      return jobs;
    },
    get shard() {
      return shard;
    },
  };
}
