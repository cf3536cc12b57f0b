/**
 * @module Sharing targets across the agents of a cluster (pure): with `cluster: {members: N,
 * member: I, replication: R}` this agent keeps the jobs of the targets whose rendezvous owners
 * include I. All jobs of one target go to the same agents; no label is added, so the R copies of a
 * series are identical and VictoriaMetrics' deduplication keeps one.
 */
import type { Config } from "../config/schema.ts";
import type { JobDef } from "./job.ts";
import { owners } from "./rendezvous.ts";
import { runSync, STEP_ITEMS, type Steps } from "../base/slices.ts";

/** The `cluster` section of the config. */
export type ClusterConfig = NonNullable<Config["cluster"]>;

/** The jobs this member keeps, how many it skipped, and each target's owners. */
export interface Shard {
  kept: JobDef[];
  skipped: number;
  /** The owners of a target address (every address owned by all when there is no cluster). */
  ownersOf(address: string): number[] | null;
}

/**
 * Splits `jobs` by owner; without a cluster every job is kept and `ownersOf` answers null.
 *
 * @example
 * ```ts
 * import { shardJobs } from "./shard.ts";
 * const s = shardJobs([], { members: 3, member: 0, replication: 1 });
 * if (s.kept.length !== 0 || s.ownersOf("10.0.0.1")!.length !== 1) throw new Error();
 * ```
 */
export function shardJobs(jobs: readonly JobDef[], cluster: ClusterConfig | undefined): Shard {
  return runSync(shardSteps(jobs, cluster));
}

/** {@linkcode shardJobs} as steps (a `yield` every few hundred jobs), for `runSliced`. */
export function* shardSteps(
  jobs: readonly JobDef[],
  cluster: ClusterConfig | undefined,
): Steps<Shard> {
  // No cluster: the list itself (a copy of 2,000,000 jobs is one uninterrupted call).
  if (!cluster) return { kept: jobs as JobDef[], skipped: 0, ownersOf: () => null };
  const cache = new Map<string, number[]>();
  const ownersOf = (address: string) => {
    let o = cache.get(address);
    if (!o) cache.set(address, o = owners(address, cluster.members, cluster.replication));
    return o;
  };
  const kept: JobDef[] = [];
  for (let i = 0; i < jobs.length; i++) {
    const j = jobs[i]!;
    if (ownersOf(j.job.target).includes(cluster.member)) kept.push(j);
    if (i % STEP_ITEMS === STEP_ITEMS - 1) yield;
  }
  return { kept, skipped: jobs.length - kept.length, ownersOf };
}
