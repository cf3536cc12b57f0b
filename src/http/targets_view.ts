/** @module The JSON of `GET /api/v1/targets`: each target, its sources, labels and last results. */
import type { Target } from "../targets/types.ts";
import type { LastResults } from "../results/last_results.ts";
import { jobKey } from "../base/job_key.ts";

/** One target as the API shows it. */
export interface TargetView {
  address: string;
  sources: string[];
  labels: Record<string, string>;
  /** With a `cluster:` config: the members that probe it, and whether this agent is one. */
  cluster?: { owners: number[]; ours: boolean };
  probes: {
    probe: string;
    last_result: {
      time: string;
      success: boolean;
      duration_seconds: number;
      reason: string | null;
      detail: string | null;
    } | null;
  }[];
}

/** Who probes a target, when targets are shared across a cluster of agents. */
export interface ShardView {
  ownersOf(address: string): number[] | null;
  member?: number;
}

/**
 * Builds the view; `last` holds each job's last record by its {@linkcode jobKey}. With `shard`, a
 * target is marked with its owners and `ours` (another member's target has no last result here).
 */
export function targetsView(
  targets: readonly Target[],
  last: LastResults,
  shard?: ShardView,
): TargetView[] {
  return targets.map((t) => ({
    address: t.address,
    sources: t.sources,
    labels: t.labels,
    ...clusterOf(t.address, shard),
    probes: t.probes.map((probe) => {
      const r = last.get(jobKey(probe, t.address));
      return {
        probe,
        last_result: r
          ? {
            time: new Date(r.timestampMs).toISOString(),
            success: r.success,
            duration_seconds: r.durationSeconds,
            reason: r.reason ?? null,
            detail: r.detail ?? null,
          }
          : null,
      };
    }),
  }));
}

function clusterOf(address: string, shard: ShardView | undefined): Pick<TargetView, "cluster"> {
  const owners = shard?.ownersOf(address);
  if (!owners) return {};
  return {
    cluster: { owners, ours: shard!.member !== undefined && owners.includes(shard!.member) },
  };
}
