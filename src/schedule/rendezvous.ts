/**
 * @module Rendezvous (highest-random-weight) hashing of targets over the members of a cluster of
 * agents (pure). Every member computes the same owners from the address alone, so agents agree
 * without talking to each other, across restarts; a change of `members` moves only the targets
 * whose top-R set changes (about R/N of them for one member more or less).
 */

/** murmur3's 32-bit finalizer: every input bit flips each output bit with probability ~1/2. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** 32-bit FNV-1a over the UTF-16 code units of `text`, finalized. */
function keyHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/** The weight of `member` for a key hash: a second, member-seeded mixing round. */
function weight(hash: number, member: number): number {
  return fmix32(hash ^ fmix32(Math.imul(member + 1, 0x9e3779b1)));
}

/**
 * The weight of `member` for `key` (uint32): the owners of a key are the members of highest weight.
 *
 * @example
 * ```ts
 * import { weightOf } from "./rendezvous.ts";
 * const w = weightOf("10.0.0.1", 0);
 * if (w !== weightOf("10.0.0.1", 0) || w < 0 || w > 0xffffffff) throw new Error();
 * ```
 */
export function weightOf(key: string, member: number): number {
  return weight(keyHash(key), member);
}

/**
 * The `replication` members (indexes in 0..members-1) that own `key`, highest weight first; ties
 * go to the lower index. Throws a `RangeError` unless 1 ≤ replication ≤ members.
 *
 * @example
 * ```ts
 * import { owners } from "./rendezvous.ts";
 * const o = owners("10.0.0.1:22", 3, 2);
 * if (o.length !== 2 || o[0] === o[1] || o.some((m) => m < 0 || m > 2)) throw new Error();
 * if (owners("10.0.0.1:22", 3, 2).join() !== o.join()) throw new Error("not stable");
 * ```
 */
export function owners(key: string, members: number, replication: number): number[] {
  if (!Number.isInteger(members) || members < 1) {
    throw new RangeError(`Cannot hash over ${members} members: expected a whole number ≥ 1`);
  }
  if (!Number.isInteger(replication) || replication < 1 || replication > members) {
    throw new RangeError(
      `Cannot replicate ${replication} times over ${members} members: expected 1..${members}`,
    );
  }
  const hash = keyHash(key);
  // The top `replication` weights by insertion: O(members × replication), no allocation per member.
  const best: number[] = [];
  const bestW: number[] = [];
  for (let m = 0; m < members; m++) {
    const w = weight(hash, m);
    if (best.length === replication && w <= bestW[replication - 1]!) continue;
    let i = Math.min(best.length, replication - 1);
    while (i > 0 && bestW[i - 1]! < w) {
      best[i] = best[i - 1]!;
      bestW[i] = bestW[i - 1]!;
      i--;
    }
    best[i] = m;
    bestW[i] = w;
  }
  return best;
}
