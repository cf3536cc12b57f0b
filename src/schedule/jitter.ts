/** @module Deterministic phase spreading: a job's start offset is a hash of its identity. */

/**
 * 32-bit FNV-1a of a string.
 *
 * @example
 * ```ts
 * import { fnv1a } from "./jitter.ts";
 * if (fnv1a("a") !== 0xe40c292c) throw new Error();
 * ```
 */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The phase of a job within its interval, in whole ms: `floor(hash(key) / 2^32 * interval *
 * jitter)`. Same key, same interval → same phase, across reloads and restarts. Whole, so every
 * due time `phase + k * interval` is a small integer V8 keeps in the field itself, not a boxed
 * number of its own: two heap objects less per scheduled job (200,000 jobs: 400,000).
 * With jitter 1 and interval 15 s, 10,000 keys land uniformly over the 15 s.
 *
 * @example
 * ```ts
 * import { jitterPhase } from "./jitter.ts";
 * const p = jitterPhase("icmp|10.0.0.1", 15_000, 1);
 * if (p < 0 || p >= 15_000 || p !== jitterPhase("icmp|10.0.0.1", 15_000, 1)) throw new Error();
 * ```
 */
export function jitterPhase(key: string, intervalMs: number, jitter: number): number {
  // A second mixing round spreads keys that differ only in their last characters.
  let h = fnv1a(key);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  return Math.floor(((h >>> 0) / 2 ** 32) * intervalMs * jitter);
}
