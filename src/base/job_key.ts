/**
 * @module The one identity of a scheduled job: `probe|target`. The scheduler, the normalizer's
 * dedupe, the live metrics and the last-result table all key their state by it, so `retain()`
 * keeps exactly the jobs still scheduled.
 */

/**
 * The key of the job running probe module `probe` on `target` (the address as the source wrote it).
 *
 * @example
 * ```ts
 * import { jobKey } from "./job_key.ts";
 * console.assert(jobKey("tcp_ssh", "10.0.0.1:22") === "tcp_ssh|10.0.0.1:22");
 * ```
 */
export function jobKey(probe: string, target: string): string {
  return `${probe}|${target}`;
}
