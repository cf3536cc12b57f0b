/**
 * @module `JSON.parse` of a big body in steps. One `JSON.parse` of 36 MB (2,000,000 targets)
 * holds the event loop ~80 ms; here a value bigger than {@linkcode LEAF_CHARS} is walked
 * structurally (arrays and objects, element by element) while every run of small elements is
 * handed to `JSON.parse` in one piece of at most ~LEAF_CHARS, with a `yield` between pieces.
 * Every structural character between pieces is checked strictly and every piece is parsed by
 * `JSON.parse`, so exactly the texts `JSON.parse` accepts are accepted, with the same result.
 * On any error the whole text goes through `JSON.parse` once, for its usual message (or its value).
 */
import type { Steps } from "../base/slices.ts";

/** Values up to this many characters go to `JSON.parse` whole (~0.3 ms for 64 Ki chars). */
export const LEAF_CHARS = 64 * 1024;
/** Nesting of big values walked structurally; deeper ones are parsed whole. */
const MAX_WALK_DEPTH = 32;

class Malformed extends Error {}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

function skipWs(text: string, i: number): number {
  while (i < text.length && WS.has(text.charCodeAt(i))) i++;
  return i;
}

/** End (exclusive) of the string starting at the quote at `i`. */
function stringEnd(text: string, i: number): number {
  for (let j = i + 1;;) {
    const q = text.indexOf('"', j);
    if (q === -1) throw new Malformed();
    let back = 0;
    while (text.charCodeAt(q - 1 - back) === 0x5c) back++;
    if (back % 2 === 0) return q + 1;
    j = q + 1;
  }
}

/**
 * End (exclusive) of the value starting at `i`, or -1 once it is longer than `limit` characters
 * (the caller then walks it). Brackets are only counted: the piece is checked by `JSON.parse`.
 */
function valueEnd(text: string, i: number, limit: number): number {
  const stop = Math.min(text.length, i + limit);
  let depth = 0;
  let j = i;
  while (j < stop) {
    const c = text.charCodeAt(j);
    if (c === 0x22) {
      j = stringEnd(text, j);
      if (depth === 0) return j;
    } else if (c === 0x5b || c === 0x7b) {
      depth++;
      j++;
    } else if (c === 0x5d || c === 0x7d) {
      if (depth === 0) {
        if (j === i) throw new Malformed();
        return j;
      }
      if (--depth === 0) return j + 1;
      j++;
    } else if (depth === 0 && (c === 0x2c || WS.has(c))) {
      if (j === i) throw new Malformed();
      return j;
    } else j++;
  }
  if (j === i) throw new Malformed(); // an empty value: `[1,]`, `[,`
  return j >= text.length && depth === 0 ? j : -1;
}

function* walkArray(
  text: string,
  i: number,
  depth: number,
  leaf: number,
): Steps<[unknown[], number]> {
  const out: unknown[] = [];
  i = skipWs(text, i + 1);
  if (text[i] === "]") return [out, i + 1];
  for (;;) {
    // A run of small elements: one JSON.parse of "[e1,e2,...]".
    const runStart = i;
    let runEnd = -1;
    while (i - runStart < leaf) {
      const end = valueEnd(text, i, leaf);
      if (end === -1) break;
      runEnd = end;
      i = skipWs(text, end);
      if (text[i] !== ",") break;
      i = skipWs(text, i + 1);
    }
    if (runEnd !== -1) {
      const piece = JSON.parse(`[${text.slice(runStart, runEnd)}]`) as unknown[];
      for (const v of piece) out.push(v);
      yield;
      i = skipWs(text, runEnd);
    } else {
      const [v, end] = yield* walkValue(text, i, depth + 1, leaf);
      out.push(v);
      i = skipWs(text, end);
    }
    if (text[i] === "]") return [out, i + 1];
    if (text[i] !== ",") throw new Malformed();
    i = skipWs(text, i + 1);
  }
}

function* walkObject(
  text: string,
  i: number,
  depth: number,
  leaf: number,
): Steps<[unknown, number]> {
  const out: Record<string, unknown> = {};
  i = skipWs(text, i + 1);
  if (text[i] === "}") return [out, i + 1];
  for (;;) {
    if (text[i] !== '"') throw new Malformed();
    const keyEnd = stringEnd(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipWs(text, keyEnd);
    if (text[i] !== ":") throw new Malformed();
    const [v, end] = yield* walkValue(text, skipWs(text, i + 1), depth + 1, leaf);
    // As JSON.parse: an own data property, even for "__proto__"; the last duplicate wins.
    Object.defineProperty(out, key, {
      value: v,
      writable: true,
      enumerable: true,
      configurable: true,
    });
    i = skipWs(text, end);
    if (text[i] === "}") return [out, i + 1];
    if (text[i] !== ",") throw new Malformed();
    i = skipWs(text, i + 1);
  }
}

function* walkValue(
  text: string,
  i: number,
  depth: number,
  leaf: number,
): Steps<[unknown, number]> {
  if (depth > MAX_WALK_DEPTH) throw new Malformed(); // parsed whole instead
  const end = valueEnd(text, i, leaf);
  if (end !== -1) return [JSON.parse(text.slice(i, end)), end];
  if (text[i] === "[") return yield* walkArray(text, i, depth, leaf);
  if (text[i] === "{") return yield* walkObject(text, i, depth, leaf);
  if (text[i] === '"') {
    const e = stringEnd(text, i);
    return [JSON.parse(text.slice(i, e)), e];
  }
  throw new Malformed();
}

/**
 * Parses JSON text as `JSON.parse` does, in steps; throws `JSON.parse`'s own SyntaxError.
 * `leaf` (default {@linkcode LEAF_CHARS}) is the size of a piece handed to `JSON.parse` whole.
 *
 * @example
 * ```ts
 * import { runSync } from "../base/slices.ts";
 * import { parseJsonSteps } from "./sliced_json.ts";
 * const v = runSync(parseJsonSteps('[{"targets": ["a:1"]}]')) as { targets: string[] }[];
 * if (v[0]?.targets[0] !== "a:1") throw new Error();
 * ```
 */
export function* parseJsonSteps(text: string, leaf = LEAF_CHARS): Steps<unknown> {
  if (text.length <= leaf) return JSON.parse(text);
  try {
    const start = skipWs(text, 0);
    const [value, end] = yield* walkValue(text, start, 0, leaf);
    if (skipWs(text, end) !== text.length) throw new Malformed();
    return value;
  } catch (e) {
    if (!(e instanceof Malformed) && !(e instanceof SyntaxError)) throw e;
    // Not walkable (malformed, or deeper than MAX_WALK_DEPTH big values): JSON.parse decides,
    // with its own message when it rejects the text.
    return JSON.parse(text);
  }
}
