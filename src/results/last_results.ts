/** @module A sink that remembers each job's last record, for `/api/v1/targets`. */
import type { ResultRecord, Sink } from "./types.ts";
import { runSync, STEP_ITEMS, type Steps } from "../base/slices.ts";

/** The last record of every job, by its key. */
export interface LastResults extends Sink {
  get(key: string): ResultRecord | undefined;
  /** Forgets every job not in `keys`; returns the last records of those forgotten. */
  retain(keys: ReadonlySet<string>): ResultRecord[];
  /** {@linkcode LastResults.retain} as steps (a `yield` every few hundred jobs). */
  retainSteps(keys: Pick<ReadonlySet<string>, "has">): Steps<ResultRecord[]>;
}

/** Creates an empty table. */
export function createLastResults(): LastResults {
  const last = new Map<string, ResultRecord>();
  const table: LastResults = {
    write(records) {
      for (const r of records) last.set(r.key, r);
    },
    get: (key) => last.get(key),
    retain: (keys) => runSync(table.retainSteps(keys)),
    *retainSteps(keys) {
      const gone: ResultRecord[] = [];
      let n = 0;
      for (const [k, r] of last) {
        if (++n % STEP_ITEMS === 0) yield;
        if (keys.has(k)) continue;
        gone.push(r);
        last.delete(k);
      }
      return gone;
    },
  };
  return table;
}
