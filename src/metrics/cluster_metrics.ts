/** @module The metrics of target sharding across a cluster of agents (`cluster:` in the config). */
import { Gauge, type Registry } from "../base/prom.ts";
import type { ClusterConfig } from "../schedule/shard.ts";

/** The handle the composition root updates after each shard. */
export interface ClusterMetrics {
  /** Sets the kept/skipped job counts and the member info (cleared without a cluster). */
  update(cluster: ClusterConfig | undefined, kept: number, skipped: number): void;
}

/** Registers `vmprober_cluster_jobs{state}` and `vmprober_cluster_info{member,members,replication}`. */
export function registerClusterMetrics(registry: Registry): ClusterMetrics {
  const jobs = new Gauge({
    name: "vmprober_cluster_jobs",
    help: "Jobs this member keeps (state=kept) or leaves to other members (state=skipped).",
    labelNames: ["state"] as const,
    registers: [registry],
  });
  const info = new Gauge({
    name: "vmprober_cluster_info",
    help: "1, labelled with this agent's cluster member index, member count and replication.",
    labelNames: ["member", "members", "replication"] as const,
    registers: [registry],
  });
  return {
    update(cluster, kept, skipped) {
      jobs.set({ state: "kept" }, kept);
      jobs.set({ state: "skipped" }, skipped);
      info.reset();
      if (cluster) {
        info.set({
          member: String(cluster.member),
          members: String(cluster.members),
          replication: String(cluster.replication),
        }, 1);
      }
    },
  };
}
