/** @module The ICMP figures of a probe whose one echo was answered, for records in tests. */
import type { IcmpStats } from "../../src/probes/types.ts";

/**
 * One echo sent and answered after `rttSeconds`: no loss, every RTT figure `rttSeconds`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(oneEchoStats(0.00002).medianSeconds, 0.00002);
 * ```
 */
export function oneEchoStats(rttSeconds: number): IcmpStats {
  return {
    sent: 1,
    received: 1,
    lossRatio: 0,
    rttsSeconds: [rttSeconds],
    minSeconds: rttSeconds,
    avgSeconds: rttSeconds,
    medianSeconds: rttSeconds,
    maxSeconds: rttSeconds,
    stddevSeconds: 0,
  };
}
