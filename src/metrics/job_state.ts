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

/** Adds one run of `result` to a job's `[result, n, …]` list. */
export function countResult(results: (string | number)[], result: string): void {
  for (let i = 0; i < results.length; i += 2) {
    if (results[i] === result) {
      results[i + 1] = (results[i + 1] as number) + 1;
      return;
    }
  }
  results.push(result, 1);
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
