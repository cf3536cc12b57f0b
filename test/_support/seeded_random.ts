/** @module A small seeded PRNG (mulberry32) for fuzzers: the same seed replays the same run. */

/** A function returning numbers in [0, 1). */
export type Random = () => number;

/** mulberry32: 32 bits of state, fast, good enough to drive fuzzers. */
export function mulberry32(seed: number): Random {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
