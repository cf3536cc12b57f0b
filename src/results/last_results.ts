/** @module A sink that remembers each job's last record, for `/api/v1/targets`. */
import type { ResultRecord, Sink } from "./types.ts";

/** The last record of every job, by its key. */
export interface LastResults extends Sink {
  get(key: string): ResultRecord | undefined;
  /** Forgets every job not in `keys`; returns the last records of those forgotten. */
  retain(keys: ReadonlySet<string>): ResultRecord[];
}

/** Creates an empty table. */
export function createLastResults(): LastResults {
  const last = new Map<string, ResultRecord>();
  return {
    write(records) {
      for (const r of records) last.set(r.key, r);
    },
    get: (key) => last.get(key),
    retain(keys) {
      const gone: ResultRecord[] = [];
      for (const [k, r] of last) {
        if (keys.has(k)) continue;
        gone.push(r);
        last.delete(k);
      }
      return gone;
    },
  };
}
