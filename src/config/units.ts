/** @module Durations (`500ms`, `10s`, `5m`) and sizes (`64KiB`, `16MiB`, `1GiB`) as numbers. */

const DURATION_UNITS: Record<string, number> = {
  us: 0.001,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const SIZE_UNITS: Record<string, number> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
};

/**
 * Parses a duration into milliseconds; compound forms like `1m30s` are accepted.
 * Throws `SyntaxError` on anything else.
 *
 * @example
 * ```ts
 * import { parseDuration } from "./units.ts";
 * if (parseDuration("1m30s") !== 90_000 || parseDuration("250ms") !== 250) throw new Error();
 * ```
 */
export function parseDuration(text: string): number {
  const re = /(\d+(?:\.\d+)?)(us|ms|s|m|h|d)/gy;
  let total = 0;
  let matched = 0;
  for (const m of text.trim().matchAll(re)) {
    total += Number(m[1]) * DURATION_UNITS[m[2]!]!;
    matched += m[0].length;
  }
  if (matched === 0 || matched !== text.trim().length) {
    throw new SyntaxError(`Cannot parse duration: expected a duration like "5s", got "${text}"`);
  }
  return total;
}

/**
 * Parses a size into bytes (`64KiB`, `16MiB`, `1GiB`, `1000` = bytes).
 *
 * @example
 * ```ts
 * import { parseSize } from "./units.ts";
 * if (parseSize("64KiB") !== 65536) throw new Error();
 * ```
 */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]i?B|B)?\s*$/.exec(text);
  const unit = SIZE_UNITS[m?.[2] ?? "B"];
  if (!m || unit === undefined) {
    throw new SyntaxError(`Cannot parse size: expected a size like "64MiB", got "${text}"`);
  }
  return Math.round(Number(m[1]) * unit);
}

/**
 * Formats milliseconds back into the shortest duration text that {@linkcode parseDuration} reads.
 *
 * @example
 * ```ts
 * import { formatDuration } from "./units.ts";
 * if (formatDuration(90_000) !== "1m30s" || formatDuration(250) !== "250ms") throw new Error();
 * ```
 */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  if (ms < 1000) return `${ms}ms`;
  let rest = ms;
  let out = "";
  for (
    const [unit, size] of [["d", 86_400_000], ["h", 3_600_000], ["m", 60_000], ["s", 1000]] as const
  ) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return rest > 0 ? `${out}${rest}ms` : out;
}
