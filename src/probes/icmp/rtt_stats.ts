/** @module Smokeping-style statistics of one ICMP run. Pure. */
import type { IcmpStats } from "../types.ts";

/**
 * Summarizes one run: loss ratio, min/avg/median/max and the population standard deviation (as
 * `ping`'s mdev) of the RTTs received. With nothing received every RTT figure is 0 and loss is 1.
 *
 * @example
 * ```ts
 * import { rttStats } from "./rtt_stats.ts";
 * const s = rttStats(4, [0.001, 0.003, 0.002]);
 * if (s.lossRatio !== 0.25 || s.medianSeconds !== 0.002 || s.avgSeconds !== 0.002) {
 *   throw new Error("unexpected stats");
 * }
 * ```
 */
export function rttStats(sent: number, rttsSeconds: readonly number[]): IcmpStats {
  const received = rttsSeconds.length;
  const lossRatio = sent === 0 ? 1 : Math.max(0, (sent - received) / sent);
  if (received === 0) {
    return {
      sent,
      received,
      lossRatio,
      rttsSeconds: [],
      minSeconds: 0,
      avgSeconds: 0,
      medianSeconds: 0,
      maxSeconds: 0,
      stddevSeconds: 0,
    };
  }
  if (received === 1) {
    // One echo per run is the common case (count 1): no sort, no copies beyond the one owned.
    const rtt = rttsSeconds[0]!;
    return {
      sent,
      received,
      lossRatio,
      rttsSeconds: [rtt],
      minSeconds: rtt,
      avgSeconds: rtt,
      medianSeconds: rtt,
      maxSeconds: rtt,
      stddevSeconds: 0,
    };
  }
  const sorted = [...rttsSeconds].sort((a, b) => a - b);
  const mid = received >> 1;
  const median = received % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const avg = sorted.reduce((a, b) => a + b, 0) / received;
  const variance = sorted.reduce((a, b) => a + (b - avg) ** 2, 0) / received;
  return {
    sent,
    received,
    lossRatio,
    rttsSeconds: [...rttsSeconds],
    minSeconds: sorted[0]!,
    avgSeconds: avg,
    medianSeconds: median,
    maxSeconds: sorted[received - 1]!,
    stddevSeconds: Math.sqrt(variance),
  };
}
