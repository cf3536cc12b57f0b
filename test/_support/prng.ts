/** @module A tiny seeded PRNG (mulberry32) and helpers, so a failing fuzz case can be replayed. */
import { mulberry32 } from "./seeded_random.ts";

/** A seeded random source. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** One element of `items`. */
  pick<T>(items: readonly T[]): T;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** `n` random bytes. */
  bytes(n: number): Uint8Array;
}

/** A PRNG from `seed`: the same seed gives the same sequence (that of `mulberry32(seed)`). */
export function prng(seed: number): Rng {
  const next = mulberry32(seed);
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    pick: (items) => items[int(items.length)]!,
    chance: (p) => next() < p,
    bytes: (n) => Uint8Array.from({ length: n }, () => int(256)),
  };
}

/** Characters that matter to YAML and JSON, plus a few ordinary ones. */
const SPECIAL = [..."{}[],:-#&*!|>'\"%@`?\\\t\n  ", "0", "1", "a", "Z", "é", "\u0000", "\uFEFF"];

/**
 * One random text mutation of `text`: delete, insert, duplicate or swap lines, re-indent,
 * truncate, or replace a span with special characters.
 */
export function mutateText(text: string, rng: Rng): string {
  const at = rng.int(text.length + 1);
  const len = 1 + rng.int(8);
  const lines = text.split("\n");
  const line = rng.int(lines.length);
  switch (rng.int(8)) {
    case 0:
      return text.slice(0, at) + text.slice(at + len);
    case 1: {
      let ins = "";
      for (let i = 0; i < len; i++) ins += rng.pick(SPECIAL);
      return text.slice(0, at) + ins + text.slice(at);
    }
    case 2:
      lines.splice(line, 0, lines[line]!);
      return lines.join("\n");
    case 3: {
      const other = rng.int(lines.length);
      [lines[line], lines[other]] = [lines[other]!, lines[line]!];
      return lines.join("\n");
    }
    case 4:
      lines[line] = rng.chance(0.5) ? ` ${lines[line]}` : lines[line]!.replace(/^ /, "");
      return lines.join("\n");
    case 5:
      return text.slice(0, at);
    case 6: {
      let rep = "";
      for (let i = 0; i < len; i++) rep += rng.pick(SPECIAL);
      return text.slice(0, at) + rep + text.slice(at + len);
    }
    default: {
      // A copy of another span: repeated keys, nested structures.
      const from = rng.int(text.length);
      return text.slice(0, at) + text.slice(from, from + 1 + rng.int(40)) + text.slice(at);
    }
  }
}
