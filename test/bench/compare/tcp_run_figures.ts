/**
 * @module The table rows of one agent run of the TCP workload: probes/s, CPU per probe against
 * blackbox_exporter's (goal: a quarter of it), scheduler lag p99 (goal ≤ 20 ms) and a count that
 * must stay 0, each named after the run's planned rate.
 */
import { type Figure, round } from "./_common.ts";

/** What one agent run measured (the fields of `agentTcpRun()` these rows use). */
export interface AgentTcpFigures {
  planned: number;
  probesPerS: number;
  cpuUsPerProbe: number;
  lagP99Ms: number;
  failed: number;
  skipped: number;
}

/** What blackbox_exporter, driven by wrk at its maximum, measured on the same targets. */
export interface PeerTcpFigures {
  probesPerS: number;
  cpuUsPerProbe: number;
}

/** Which of the peer's figures a run is set against, and which count must be 0. */
export interface TcpRowsOptions {
  /** Set our probes/s against the peer's at its maximum (goal: the planned rate) or alone. */
  rateAgainstPeer: boolean;
  /** `skipped`: skipped ticks; `failed+skipped`: failed and skipped probes together. */
  zero: "skipped" | "failed+skipped";
}

const PEER = "blackbox_exporter";

/** The four rows of `run` in `workload`, set against `peer`. */
export function tcpRunFigures(
  workload: string,
  run: AgentTcpFigures,
  peer: PeerTcpFigures,
  options: TcpRowsOptions,
): Figure[] {
  const at = `@ ${run.planned}/s`;
  const alone = { peer: null, peerName: null };
  return [
    {
      workload,
      metric: `probes/s ${at}`,
      unit: "/s",
      ours: round(run.probesPerS, 0),
      ...(options.rateAgainstPeer
        ? {
          peer: round(peer.probesPerS, 0),
          peerName: `${PEER} (wrk at max)`,
          goal: `>= ${run.planned}`,
        }
        : alone),
      better: "higher",
    },
    {
      workload,
      metric: `CPU per probe ${at}`,
      unit: "µs",
      ours: round(run.cpuUsPerProbe, 1),
      peer: round(peer.cpuUsPerProbe, 1),
      peerName: PEER,
      better: "lower",
      goal: `<= ${round(peer.cpuUsPerProbe / 4, 1)} (1/4 of peer)`,
    },
    {
      workload,
      metric: `scheduler lag p99 ${at}`,
      unit: "ms",
      ours: round(run.lagP99Ms, 2),
      ...alone,
      better: "lower",
      goal: "<= 20",
    },
    options.zero === "skipped"
      ? {
        workload,
        metric: `skipped ticks ${at}`,
        unit: "",
        ours: run.skipped,
        ...alone,
        better: "lower",
        goal: "== 0",
      }
      : {
        workload,
        metric: `failed+skipped probes ${at}`,
        unit: "",
        ours: run.failed + run.skipped,
        ...alone,
        better: "lower",
        goal: "== 0",
      },
  ];
}
