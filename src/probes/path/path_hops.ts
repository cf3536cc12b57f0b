/**
 * @module A traced run → the hops a path probe reports, and whether the hop list changed since
 * the previous run. Pure.
 */
import { rttStats } from "../icmp/rtt_stats.ts";
import { NO_ANSWER, type PathHop, type TraceResult } from "./types.ts";
import { compactIp } from "./ip_text.ts";

/**
 * The hops of a run: every TTL up to the destination's when it answered, else up to the last
 * TTL anything answered (nothing beyond: a silent tail is not a hop list). Each hop's address
 * is the one that answered most often (ties: the first seen), {@linkcode NO_ANSWER} when none.
 *
 * @example
 * ```ts
 * import { pathHops } from "./path_hops.ts";
 * const hops = pathHops({
 *   destinationTtl: 2,
 *   hops: [
 *     { ttl: 1, sent: 2, rttsSeconds: [0.001], addresses: new Map([["10.0.0.1", 1]]) },
 *     { ttl: 2, sent: 2, rttsSeconds: [0.003, 0.005], addresses: new Map([["10.0.0.9", 2]]) },
 *   ],
 * });
 * if (hops[0]!.stats.lossRatio !== 0.5 || hops[1]!.address !== "10.0.0.9") throw new Error();
 * ```
 */
export function pathHops(trace: TraceResult): PathHop[] {
  let last = trace.destinationTtl ?? 0;
  if (trace.destinationTtl === undefined) {
    for (const h of trace.hops) if (h.rttsSeconds.length > 0) last = Math.max(last, h.ttl);
  }
  return trace.hops.filter((h) => h.ttl <= last).map((h) => {
    let address = NO_ANSWER;
    let best = 0;
    for (const [a, n] of h.addresses) {
      if (n > best) [address, best] = [a, n];
    }
    return {
      hop: h.ttl,
      address: compactIp(address),
      otherAddresses: [...h.addresses.keys()].filter((a) => a !== address).map(compactIp),
      stats: rttStats(h.sent, h.rttsSeconds),
    };
  });
}

/**
 * Whether two runs' hop lists differ: a hop that answered in both runs from different addresses,
 * or a different number of hops when both runs reached the destination. A hop that did not
 * answer in one of them (`???`, loss) is no change, nor is a run that did not reach the
 * destination and stopped short: loss alone never counts as a route change.
 *
 * @example
 * ```ts
 * import { hopListChanged } from "./path_hops.ts";
 * const a = { addresses: ["10.0.0.1", "10.0.0.9"], reached: true };
 * if (hopListChanged(a, { addresses: ["10.0.0.1", "???"], reached: true })) throw new Error();
 * if (!hopListChanged(a, { addresses: ["10.0.0.1", "10.0.0.5"], reached: true })) throw new Error();
 * ```
 */
export function hopListChanged(
  before: { addresses: readonly string[]; reached: boolean },
  after: { addresses: readonly string[]; reached: boolean },
): boolean {
  if (before.reached && after.reached && before.addresses.length !== after.addresses.length) {
    return true;
  }
  const n = Math.min(before.addresses.length, after.addresses.length);
  for (let i = 0; i < n; i++) {
    const a = before.addresses[i]!;
    const b = after.addresses[i]!;
    if (a !== NO_ANSWER && b !== NO_ANSWER && a !== b) return true;
  }
  return false;
}
