/**
 * @module The normalizer: every probe outcome becomes one ResultRecord, exact duplicates are
 * dropped, and the record fans out to every sink (live metrics, WAL, last-result table).
 */
import type { ProbeType } from "../config/schema.ts";
import type { ProbeOutcome } from "../probes/types.ts";
import type { ResultRecord, Sink } from "./types.ts";
import { logger } from "../log.ts";

/** The identity and labels of the job an outcome belongs to. */
export interface JobIdentity {
  /** The job's key, as the scheduler knows it. */
  key: string;
  target: string;
  probe: string;
  type: ProbeType;
  labels: Readonly<Record<string, string>>;
}

/** Accepts outcomes; see the module doc. */
export interface Normalizer {
  accept(job: JobIdentity, outcome: ProbeOutcome & { attempts: number }, timestampMs: number): void;
  /** Forgets dedupe state of jobs no longer scheduled. */
  retain(keys: ReadonlySet<string>): void;
  readonly duplicates: number;
}

/** Creates a normalizer writing to `sinks`. */
export function createNormalizer(sinks: readonly Sink[] = []): Normalizer {
  const targets = sinks;
  const lastSeen = new Map<string, number>();
  const log = logger("results");
  let duplicates = 0;
  const failing = new Set<number>();
  return {
    accept(job, outcome, timestampMs) {
      if (lastSeen.get(job.key) === timestampMs) {
        duplicates++;
        return;
      }
      lastSeen.set(job.key, timestampMs);
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
    retain(keys) {
      for (const k of lastSeen.keys()) if (!keys.has(k)) lastSeen.delete(k);
    },
    get duplicates() {
      return duplicates;
    },
  };
}
