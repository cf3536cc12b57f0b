/** @module The JSON of `GET /api/v1/targets`: each target, its sources, labels and last results. */
import type { Target } from "../targets/types.ts";
import type { LastResults } from "../results/last_results.ts";
import { jobKey } from "../base/job_key.ts";

/** One target as the API shows it. */
export interface TargetView {
  address: string;
  sources: string[];
  labels: Record<string, string>;
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

/** Builds the view; `last` holds each job's last record by its {@linkcode jobKey}. */
export function targetsView(targets: readonly Target[], last: LastResults): TargetView[] {
  return targets.map((t) => ({
    address: t.address,
    sources: t.sources,
    labels: t.labels,
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
