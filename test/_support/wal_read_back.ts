/**
 * @module Reading a test WAL back: every sample value from an offset in order, the segment file
 * names, and the expected runs of values.
 */
import type { Wal } from "../../src/wal/types.ts";
import { decodeCompressed } from "./wal_decode.ts";

/**
 * Every sample value in `wal` from offset `from` (default 0) on, in order, read `maxBytes` at a
 * time (small reads cross record and segment boundaries).
 */
export async function walValues(
  wal: Wal,
  options: { from?: number; maxBytes: number },
): Promise<number[]> {
  const out: number[] = [];
  for (let offset = options.from ?? 0;;) {
    const entries = await wal.read(offset, { maxBytes: options.maxBytes });
    if (entries.length === 0) return out;
    for (const e of entries) {
      for (const s of decodeCompressed(e.compressed)) out.push(s.value);
      offset = e.nextOffset;
    }
  }
}

/** The segment files of the WAL in `dir` (20-digit names), sorted. */
export function segmentNames(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => /^\d{20}$/.test(n)).sort();
}

/**
 * `[a, b)` as an array.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(range(2, 5), [2, 3, 4]);
 * ```
 */
export const range = (a: number, b: number): number[] =>
  Array.from({ length: b - a }, (_, i) => a + i);
