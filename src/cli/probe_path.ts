/** @module The path part of `vmprober probe`: its flags → a module, and an mtr-like table. */
import type { ProbeOutcome } from "../probes/types.ts";

/** Flags only path one-shots take (merged into `vmprober probe`'s). */
export const PATH_FLAGS = {
  "max-hops": { type: "string" },
  protocol: { type: "string" },
} as const;

const pad = (s: string, n: number) => s.padStart(n);

/**
 * The hops as `mtr --report` prints them: hop, address, loss %, sent, received and RTT
 * avg/median/best/worst/stddev in ms (`???` for a hop that never answered).
 *
 * @example
 * ```ts
 * import { pathTable } from "./probe_path.ts";
 * const stats = { sent: 2, received: 1, lossRatio: 0.5, rttsSeconds: [0.002], minSeconds: 0.002,
 *   avgSeconds: 0.002, medianSeconds: 0.002, maxSeconds: 0.002, stddevSeconds: 0 };
 * const lines = pathTable({ success: true, durationSeconds: 1, path: { reached: true,
 *   changed: false, changes: 0, hops: [{ hop: 1, address: "10.0.0.1", otherAddresses: [], stats }] } });
 * if (!/^ +1\.\|-- 10\.0\.0\.1 +50\.0% +2 +1 +2\.0/.test(lines[1]!)) throw new Error(lines[1]);
 * ```
 */
export function pathTable(outcome: ProbeOutcome): string[] {
  const hops = outcome.path?.hops ?? [];
  const width = Math.max(20, ...hops.map((h) => h.address.length + 2));
  const ms = (s: number) => pad((s * 1000).toFixed(1), 6);
  const out = [
    `${"".padEnd(7)}${"Host".padEnd(width)}${pad("Loss%", 7)}${pad("Snt", 5)}${pad("Rcv", 5)}` +
    `${pad("Avg", 6)}${pad("Med", 6)}${pad("Best", 6)}${pad("Wrst", 6)}${pad("StDev", 6)}`,
  ];
  for (const h of hops) {
    const s = h.stats;
    const rtt = s.received
      ? ms(s.avgSeconds) + ms(s.medianSeconds) + ms(s.minSeconds) + ms(s.maxSeconds) +
        ms(s.stddevSeconds)
      : "";
    out.push(
      `${pad(`${h.hop}.`, 4)}|-- ${h.address.padEnd(width)}${
        pad((s.lossRatio * 100).toFixed(1), 6)
      }%` +
        `${pad(String(s.sent), 5)}${pad(String(s.received), 5)}${rtt}`,
    );
    for (const other of h.otherAddresses) out.push(`${"".padEnd(8)}${other}`);
  }
  return out;
}
