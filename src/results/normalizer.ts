/**
 * @module The normalizer: every probe outcome becomes one ResultRecord, exact duplicates are
 * dropped, and the record fans out to every sink (live metrics, WAL, last-result table).
 */
import type { ProbeOutcome, ProbeType, ResultRecord, Sink } from "./types.ts";
import { logger } from "../log.ts";

/** The identity and labels of the job an outcome belongs to. */
export interface JobIdentity {
  target: string;
  probe: string;
  type: ProbeType;
  labels: Readonly<Record<string, string>>;
  /** The `job` label (absent: the module name). */
  job?: string;
}

/** Accepts outcomes; see the module doc. */
export interface Normalizer {
  accept(job: JobIdentity, outcome: ProbeOutcome & { attempts: number }, timestampMs: number): void;
  /** Replaces the sinks (composition root only). */
  setSinks(sinks: readonly Sink[]): void;
  /** Forgets dedupe state of jobs no longer scheduled. */
  retain(keys: ReadonlySet<string>): void;
  readonly duplicates: number;
}

/** Creates a normalizer writing to `sinks`. */
export function createNormalizer(sinks: readonly Sink[] = []): Normalizer {
  let targets = sinks;
  const lastSeen = new Map<string, number>();
  const log = logger("results");
  let duplicates = 0;
  const failing = new Set<number>();
  return {
    accept(job, outcome, timestampMs) {
      const key = `${job.probe}|${job.target}`;
      if (lastSeen.get(key) === timestampMs) {
        duplicates++;
        return;
      }
      lastSeen.set(key, timestampMs);
      const record: ResultRecord = { ...outcome, timestampMs, ...job };
      const batch = [record];
      targets.forEach((sink, i) => {
        try {
          sink.write(batch);
          if (failing.delete(i)) log.info("Sink {sink} recovered", { sink: i });
        } catch (e) {
          if (!failing.has(i)) {
            log.error("Cannot write to sink {sink}: {error}", { sink: i, error: String(e) });
          }
          failing.add(i);
        }
      });
    },
    setSinks(next) {
      targets = next;
    },
    retain(keys) {
      for (const k of lastSeen.keys()) if (!keys.has(k)) lastSeen.delete(k);
    },
    get duplicates() {
      return duplicates;
    },
  };
}
