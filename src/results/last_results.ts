/** @module A sink that remembers each job's last record, for `/api/v1/targets`. */
import type { ResultRecord, Sink } from "./types.ts";

/** The last record of every job, by its key. */
export interface LastResults extends Sink {
  get(key: string): ResultRecord | undefined;
  retain(keys: ReadonlySet<string>): void;
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
      for (const k of last.keys()) if (!keys.has(k)) last.delete(k);
    },
  };
}
