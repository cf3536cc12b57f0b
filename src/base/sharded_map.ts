/**
 * @module Maps and sets of string keys spread over {@linkcode SHARDS} small `Map`s by a hash of
 * the key. V8 grows a `Map` by rehashing the whole table in one call: at 2,000,000 keys the step
 * from 1,048,576 to 2,097,152 entries holds the event loop ~100 ms of CPU, however the loop around
 * it is sliced. Spread over 16 tables no single growth moves more than ~1/16 of them (~6 ms).
 * Iteration visits shard after shard: NOT insertion order.
 */

/** How many tables one {@linkcode ShardedMap} or {@linkcode ShardedSet} spreads its keys over. */
export const SHARDS = 16;

/**
 * The shard of `key`: FNV-1a over its length and at most 16 of its UTF-16 code units (the last 8,
 * where addresses and job keys differ most, and 8 spread over the rest), folded to 0..SHARDS-1.
 * Hashing every character doubled the CPU of 2,000,000 `set`s; keys that differ only where no
 * sample falls share a shard, which is a plain `Map` again, never wrong.
 */
export function shardOf(key: string): number {
  const n = key.length;
  let h = Math.imul(0x811c9dc5 ^ n, 0x01000193);
  const tail = n > 8 ? n - 8 : 0;
  for (let i = tail; i < n; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  const step = (tail >> 3) + 1;
  for (let i = 0; i < tail; i += step) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h ^ (h >>> 15)) & (SHARDS - 1);
}

/**
 * A `Map<string, V>` in {@linkcode SHARDS} pieces, with the same methods (iteration shard by shard).
 *
 * @example
 * ```ts
 * import { ShardedMap } from "./sharded_map.ts";
 * const m = new ShardedMap<number>();
 * m.set("a", 1).set("b", 2);
 * if (m.get("b") !== 2 || m.size !== 2 || !m.delete("a") || m.has("a")) throw new Error();
 * ```
 */
export class ShardedMap<V> {
  readonly #shards: Map<string, V>[] = Array.from({ length: SHARDS }, () => new Map());
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Keys of the fullest shard (tests: the spread). */
  get largestShard(): number {
    return Math.max(...this.#shards.map((s) => s.size));
  }

  get(key: string): V | undefined {
    return this.#shards[shardOf(key)]!.get(key);
  }

  has(key: string): boolean {
    return this.#shards[shardOf(key)]!.has(key);
  }

  set(key: string, value: V): this {
    const shard = this.#shards[shardOf(key)]!;
    const before = shard.size;
    shard.set(key, value);
    this.#size += shard.size - before;
    return this;
  }

  delete(key: string): boolean {
    const gone = this.#shards[shardOf(key)]!.delete(key);
    if (gone) this.#size--;
    return gone;
  }

  clear(): void {
    for (const s of this.#shards) s.clear();
    this.#size = 0;
  }

  *entries(): Generator<[string, V]> {
    for (const s of this.#shards) yield* s;
  }

  *keys(): Generator<string> {
    for (const s of this.#shards) yield* s.keys();
  }

  *values(): Generator<V> {
    for (const s of this.#shards) yield* s.values();
  }

  [Symbol.iterator](): Generator<[string, V]> {
    return this.entries();
  }
}

/**
 * A `Set<string>` in {@linkcode SHARDS} pieces (iteration shard by shard).
 *
 * @example
 * ```ts
 * import { ShardedSet } from "./sharded_map.ts";
 * const s = new ShardedSet().add("a").add("a").add("b");
 * if (s.size !== 2 || !s.has("b") || s.has("c")) throw new Error();
 * ```
 */
export class ShardedSet {
  readonly #shards: Set<string>[] = Array.from({ length: SHARDS }, () => new Set());
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Keys of the fullest shard (tests: the spread). */
  get largestShard(): number {
    return Math.max(...this.#shards.map((s) => s.size));
  }

  has(key: string): boolean {
    return this.#shards[shardOf(key)]!.has(key);
  }

  add(key: string): this {
    const shard = this.#shards[shardOf(key)]!;
    const before = shard.size;
    shard.add(key);
    this.#size += shard.size - before;
    return this;
  }

  delete(key: string): boolean {
    const gone = this.#shards[shardOf(key)]!.delete(key);
    if (gone) this.#size--;
    return gone;
  }

  *[Symbol.iterator](): Generator<string> {
    for (const s of this.#shards) yield* s;
  }
}
