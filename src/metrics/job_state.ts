/** @module One job's live figures in the live metrics sink, and their copy at a scrape. */
import type { ResultRecord } from "../results/types.ts";
import { type ProbeSample, probeSamples } from "../results/probe_samples.ts";

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

/** A job's figures at one moment, with blackbox_exporter's samples of its last record. */
export interface JobSnapshot extends JobState {
  /**
   * Made per scrape, not kept per job: kept, they lived a whole interval (~600 B per job, 6 MB at
   * 10,000 ICMP targets) and were replaced every run, old-generation garbage each time.
   */
  samples: ProbeSample[];
}

/** A job's figures at one moment. */
export function copyState(s: JobState): JobSnapshot {
  return {
    ...s,
    samples: probeSamples(s.last),
    results: s.results.slice(),
  };
}
