/**
 * @module The label sets of a compaction window, kept in flat typed arrays: each distinct encoded
 * label set gets a dense id, its bytes stored once in the caller's byte pool, found again through an
 * open-addressing hash table. No object per label set, so a window of 160,000 series costs ~20 bytes
 * each beside its label bytes, not an object and two arrays each in the garbage-collected heap.
 */

import { type BytePool, POOL_MASK, POOL_SHIFT } from "./byte_pool.ts";

/** Returns `a` if it holds `n` elements, else a copy at least twice as large. */
export function grown<T extends Int32Array | Float64Array>(a: T, n: number): T {
  if (n <= a.length) return a;
  const next = new (a.constructor as { new (n: number): T })(Math.max(n, a.length * 2));
  next.set(a);
  return next;
}

/** Dense ids for distinct byte strings stored elsewhere (in a pool the caller owns). */
export class SeriesTable {
  /** Where each id's bytes start in the pool, their length, and their hash. */
  at = new Int32Array(1024);
  len = new Int32Array(1024);
  #hash = new Int32Array(1024);
  /** id + 1 per slot; 0 = free. Its size is a power of two, at least twice the ids. */
  #slots = new Int32Array(2048);
  #size = 0;

  /** Distinct byte strings so far. */
  get size(): number {
    return this.#size;
  }

  /** Bytes of the typed arrays held. */
  get bytes(): number {
    return (this.at.length + this.len.length + this.#hash.length + this.#slots.length) * 4;
  }

  /**
   * The id of `body[from, to)` if seen before, else -1 and `slot` remembers where to insert it
   * with {@linkcode insert}. `pool` holds the bytes of the ids so far.
   */
  find(pool: BytePool, body: Uint8Array, from: number, to: number): number {
    let h = 0x811c9dc5 | 0; // FNV-1a; as an Int32 (#hash holds it so), also for no bytes
    for (let i = from; i < to; i++) h = Math.imul(h ^ body[i]!, 0x01000193);
    const mask = this.#slots.length - 1;
    const n = to - from;
    for (let s = h & mask;; s = (s + 1) & mask) {
      const id = this.#slots[s]! - 1;
      if (id < 0) {
        this.#pendingSlot = s;
        this.#pendingHash = h;
        return -1;
      }
      if (this.#hash[id] !== h || this.len[id] !== n) continue;
      const at = this.at[id]!;
      const chunk = pool.chunks[at >>> POOL_SHIFT]!;
      const off = at & POOL_MASK;
      let i = 0;
      while (i < n && chunk[off + i] === body[from + i]) i++;
      if (i === n) return id;
    }
  }

  #pendingSlot = 0;
  #pendingHash = 0;

  /** Adds the byte string the last {@linkcode find} missed, now stored at `at` in the pool. */
  insert(at: number, n: number): number {
    const id = this.#size++;
    this.at = grown(this.at, id + 1);
    this.len = grown(this.len, id + 1);
    this.#hash = grown(this.#hash, id + 1);
    this.at[id] = at;
    this.len[id] = n;
    this.#hash[id] = this.#pendingHash;
    this.#slots[this.#pendingSlot] = id + 1;
    if (this.#size * 2 > this.#slots.length) this.#rehash(this.#slots.length * 2);
    return id;
  }

  #rehash(size: number): void {
    const slots = new Int32Array(size);
    const mask = size - 1;
    for (let id = 0; id < this.#size; id++) {
      let s = this.#hash[id]! & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = id + 1;
    }
    this.#slots = slots;
  }

  /** Forgets every id, keeping the arrays for the next window. */
  clear(): void {
    this.#slots.fill(0);
    this.#size = 0;
  }
}
