/** @module How a time in seconds is stored in the WAL and pushed. */

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
