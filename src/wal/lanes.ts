/**
 * @module Lanes: each job's samples go to the WAL in records of its lane, a hash of its job key
 * (`probe|target`), so that records of two lanes never share a series (every series carries its
 * job's `probe` and `target` labels, so a series belongs to one job key, hence to one lane). The
 * pusher sends batches of different lanes side by side without decoding them to compare series.
 */
import { MAX_LANES } from "./frame.ts";

/**
 * Lanes the WAL sink writes by default. Part of the WAL format, as is laneOf(): a record names its
 * lane, not the lane count, so with another count (or hash) a job's records written before an
 * upgrade and after it could be in two lanes, and two requests in flight would share its series.
 * A change needs new record types (or a drained WAL).
 */
export const WAL_LANES = 4;

/**
 * The lane (0 to `lanes` - 1) of the job with key `key`: FNV-1a of its UTF-16 code units.
 *
 * @example
 * ```ts
 * import { laneOf } from "./lanes.ts";
 * const lane = laneOf("tcp_ssh|10.0.0.1:22", 4);
 * if (lane !== laneOf("tcp_ssh|10.0.0.1:22", 4) || lane < 0 || lane > 3) throw new Error();
 * ```
 */
export function laneOf(key: string, lanes: number): number {
  if (lanes <= 1) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % Math.min(lanes, MAX_LANES);
}
