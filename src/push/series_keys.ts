/**
 * @module Which series a remote-write body holds, as a set of 32-bit keys, so that the pusher never
 * has two requests in flight that share a series (the receiver could apply them in either order,
 * and Prometheus refuses a sample older than the newest it holds for that series).
 *
 * A key is a hash of some of a TimeSeries' encoded label bytes: the same series always gives the
 * same key, so two bodies with a series in common always share a key. Two different series may
 * share a key too; that only costs concurrency (the later request waits), never order.
 */
import { snappyUncompress } from "../wal/snappy.ts";

/** Label regions up to this size are hashed whole; longer ones by their two ends and length. */
const WHOLE = 96;
const END = 48;

/** The keys of the series in an uncompressed `WriteRequest`. Unparseable bytes → `null`. */
export function seriesKeysOf(body: Uint8Array): Set<number> | null {
  const keys = new Set<number>();
  const end = body.length;
  let pos = 0;
  const varint = (): number => {
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 10 && pos < end; i++) {
      const b = body[pos++]!;
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 128;
    }
    return -1;
  };
  while (pos < end) {
    const tag = body[pos++];
    const len = varint();
    if (len < 0 || pos + len > end) return null;
    const stop = pos + len;
    if (tag !== 0x0a) { // not a TimeSeries (e.g. metadata): no series
      pos = stop;
      continue;
    }
    // Labels (field 1) come first in what we write; hash the run of them.
    const from = pos;
    while (pos < stop && body[pos] === 0x0a) {
      pos++;
      const n = varint();
      if (n < 0 || pos + n > stop) return null;
      pos += n;
    }
    keys.add(hashRegion(body, from, pos));
    pos = stop;
  }
  return keys;
}

/** The keys of a snappy-compressed `WriteRequest`, or `null` when it does not decode. */
export function seriesKeys(compressed: Uint8Array): Set<number> | null {
  try {
    return seriesKeysOf(snappyUncompress(compressed));
  } catch {
    return null;
  }
}

/**
 * Whether two key sets share a key; `null` (unknown) shares with everything.
 *
 * @example
 * ```ts
 * import { sharesSeries } from "./series_keys.ts";
 * if (!sharesSeries(new Set([1, 2]), new Set([2])) || sharesSeries(new Set([1]), new Set([3]))) {
 *   throw new Error();
 * }
 * ```
 */
export function sharesSeries(a: Set<number> | null, b: Set<number> | null): boolean {
  if (a === null || b === null) return true;
  const [small, big] = a.size <= b.size ? [a, b] : [b, a];
  for (const k of small) if (big.has(k)) return true;
  return false;
}

function hashRegion(buf: Uint8Array, from: number, to: number): number {
  let h = Math.imul(0x811c9dc5 ^ (to - from), 0x01000193); // FNV-1a, seeded with the length
  if (to - from <= WHOLE) {
    for (let i = from; i < to; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  } else {
    for (let i = from; i < from + END; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    for (let i = to - END; i < to; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  }
  return h >>> 0;
}
