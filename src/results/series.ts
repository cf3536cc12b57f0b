/** @module How a time in seconds is stored in the WAL and pushed, and a job's label pairs. */
import type { ResultRecord } from "./types.ts";

/**
 * A time in seconds as stored and pushed: rounded to float32 precision (relative 6e-8, i.e. 0.3 µs
 * at 5 s, far below probe timing noise). The zeroed low mantissa bytes compress: about one byte
 * less per sample on disk.
 *
 * @example
 * ```ts
 * import { storedSeconds } from "./series.ts";
 * const d = 0.000954998;
 * if (Math.abs(storedSeconds(d) - d) / d > 1e-7) throw new Error("more than float32 rounding");
 * ```
 */
export function storedSeconds(seconds: number): number {
  return Math.fround(seconds);
}

/**
 * A job's label pairs in precedence order, before label_set.ts sorts and checks them: `probe`,
 * `type` and `target`, then the record's merged labels, then `extra` (push.extra_labels).
 */
export function* jobLabelPairs(
  record: ResultRecord,
  extra: Readonly<Record<string, string>> = {},
): Generator<[string, string]> {
  yield ["probe", record.probe];
  yield ["type", record.type];
  yield ["target", record.target];
  yield* Object.entries(record.labels);
  yield* Object.entries(extra);
}
