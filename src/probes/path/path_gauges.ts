/**
 * @module The path probe's series: hop count, per-hop loss and RTT statistics, and the count of
 * hop-list changes. Their labels are `hop` (1..max_hops) and `address` (one per hop per run) and
 * `stat`, so one (module, target) has at most max_hops × 6 + 2 series at a time; a hop series
 * that disappears (a route change, a shorter path) gets a stale marker when pushed.
 */
import type { ProbeGauge } from "../types.ts";
import type { PathResult } from "./types.ts";

const HOPS_HELP = "Hops of the last path run (up to the destination when it answered).";
const RTT_HELP = "RTT statistics per hop of the last path run, in seconds.";
const LOSS_HELP = "Share of the probes to a hop in the last path run without an answer.";
const CHANGES_HELP = "Times the hop list of this target changed from one path run to the next.";

const STATS = ["min", "avg", "median", "max", "stddev"] as const;

/**
 * The gauges of one path run, in a stable order: `vmprober_path_hops`, then per hop its loss
 * ratio and (when it answered) its five RTT statistics, then `vmprober_path_changes_total`.
 */
export function pathGauges(path: PathResult): ProbeGauge[] {
  const out: ProbeGauge[] = [{
    name: "vmprober_path_hops",
    help: HOPS_HELP,
    value: path.hops.length,
  }];
  for (const h of path.hops) {
    const hop = ["hop", String(h.hop)] as const;
    const address = ["address", h.address] as const;
    out.push({
      name: "vmprober_path_hop_loss_ratio",
      help: LOSS_HELP,
      value: h.stats.lossRatio,
      labels: [address, hop],
    });
    if (h.stats.received === 0) continue;
    const values = {
      min: h.stats.minSeconds,
      avg: h.stats.avgSeconds,
      median: h.stats.medianSeconds,
      max: h.stats.maxSeconds,
      stddev: h.stats.stddevSeconds,
    };
    for (const stat of STATS) {
      out.push({
        name: "vmprober_path_hop_rtt_seconds",
        help: RTT_HELP,
        value: values[stat],
        labels: [address, hop, ["stat", stat]],
      });
    }
  }
  out.push({
    name: "vmprober_path_changes_total",
    help: CHANGES_HELP,
    type: "counter",
    value: path.changes,
  });
  return out;
}
