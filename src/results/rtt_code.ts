/**
 * @module A 16-bit logarithmic code for round-trip times, so a ring of recent results stores an
 * RTT in two bytes: 0 means "none", 1..65535 cover 0.1 µs to 100 s in steps of 0.033 % (nine
 * decades over 65,534 codes: 7,282 codes a decade).
 */

const MIN_SECONDS = 1e-7;
const DECADES = 9;
const STEPS = 65534;
const PER_LN = STEPS / (DECADES * Math.LN10);

/**
 * Encodes seconds as a code 1..65535 (clamped at both ends); NaN, negative and infinite values
 * encode as 0 ("none").
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeRtt, encodeRtt } from "./rtt_code.ts";
 * const code = encodeRtt(0.0123);
 * assert.ok(Math.abs(decodeRtt(code) - 0.0123) / 0.0123 < 0.0002);
 * assert.equal(encodeRtt(-1), 0);
 * ```
 */
export function encodeRtt(seconds: number): number {
  if (!(seconds >= 0) || seconds === Infinity) return 0;
  if (seconds <= MIN_SECONDS) return 1;
  const code = 1 + Math.round(Math.log(seconds / MIN_SECONDS) * PER_LN);
  return code > 65535 ? 65535 : code;
}

/** Decodes a code of {@linkcode encodeRtt} back to seconds; 0 gives NaN. */
export function decodeRtt(code: number): number {
  if (code <= 0) return NaN;
  return MIN_SECONDS * Math.exp((code - 1) / PER_LN);
}
