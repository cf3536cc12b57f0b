/** @module One job's live figures in the live metrics sink, and their copy at a scrape. */
import type { ResultRecord } from "../results/types.ts";

/** A job's live figures; its histograms are rows of the sink's slabs. */
export interface JobState {
  labels: string;
  labelsRef: Readonly<Record<string, string>>;
  last: ResultRecord;
  /** The job's row in the duration histograms. */
  duration: number;
  /**
   * Runs by result as `[result, n, result, n, …]` in first-seen order: a job sees one or two
   * results, and a Map of one entry costs ~600 B (6 MB at 10,000 jobs, copied on every scrape).
   */
  results: (string | number)[];
  icmpSent: number;
  icmpReceived: number;
  /** The job's row in the ICMP RTT histograms, -1 before its first ICMP record. */
  icmpRtt: number;
}

/**
 * Adds one run of `result` to a job's `[result, n, …]` list: the same list with its count raised,
 * or, for a result not seen yet, a new list of exactly its length (a `push` onto `[]` gives the
 * list room for 17 entries: ~150 B per job where two are used, 1.5 MB at 10,000 jobs).
 */
export function countResult(results: (string | number)[], result: string): (string | number)[] {
  const n = results.length;
  for (let i = 0; i < n; i += 2) {
    if (results[i] === result) {
      results[i + 1] = (results[i + 1] as number) + 1;
      return results;
    }
  }
  if (n === 0) return [result, 1];
  const out: (string | number)[] = new Array(n + 2);
  for (let i = 0; i < n; i++) out[i] = results[i]!;
  out[n] = result;
  out[n + 1] = 1;
  return out;
}

/**
 * A job's figures at one moment. blackbox_exporter's samples are not part of it: they are written
 * from the record (`last`, never changed once made) family by family as the page is made. A list
 * per job made at the scrape (~600 B each, 6 MB at 10,000 ICMP targets) lived through the whole
 * page, long enough to be promoted, and raised the RSS after a scrape by ~10 MB.
 */
export type JobSnapshot = JobState;

/** A job's figures at one moment (its counters copied, its record shared). */
export function copyState(s: JobState): JobSnapshot {
  return { ...s, results: s.results.slice() };
}
