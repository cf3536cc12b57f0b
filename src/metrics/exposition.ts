/** @module Small helpers for the Prometheus text format. */

/** Escapes a label value: backslash, double quote and newline. */
export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/**
 * Renders a label set as `k1="v1",k2="v2"` (no braces), keys in the given order.
 *
 * @example
 * ```ts
 * import { labelText } from "./exposition.ts";
 * if (labelText([["a", 'x"y']]) !== 'a="x\\"y"') throw new Error();
 * ```
 */
export function labelText(pairs: readonly (readonly [string, string])[]): string {
  return pairs.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(",");
}

/** Formats a sample value the way Prometheus parses it back. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}
