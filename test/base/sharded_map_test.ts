import assert from "node:assert/strict";
import { ShardedMap, ShardedSet, shardOf, SHARDS } from "../../src/base/sharded_map.ts";
import { loopbackAddress } from "../_support/big_sd.ts";
import { jobKey } from "../../src/base/job_key.ts";

Deno.test("ShardedMap behaves as a Map: set, get, has, delete, size, iteration", () => {
  const m = new ShardedMap<number>();
  const ref = new Map<string, number>();
  for (let i = 0; i < 5000; i++) {
    const k = i % 7 === 0 ? `dup${i % 50}` : `key-${i}`;
    m.set(k, i);
    ref.set(k, i);
  }
  for (let i = 0; i < 5000; i += 3) {
    assert.equal(m.delete(`key-${i}`), ref.delete(`key-${i}`));
  }
  assert.equal(m.size, ref.size);
  assert.equal(m.get("dup7"), ref.get("dup7"));
  assert.equal(m.has("key-1"), true);
  assert.equal(m.has("key-3"), false);
  assert.deepEqual(new Map(m.entries()), ref);
  assert.deepEqual([...m.keys()].sort(), [...ref.keys()].sort());
  assert.deepEqual([...m.values()].sort(), [...ref.values()].sort());
  // Deleting while iterating, as the scheduler's removal pass does.
  for (const [k] of m) if (k.startsWith("dup")) m.delete(k);
  assert.equal([...m.keys()].filter((k) => k.startsWith("dup")).length, 0);
  assert.equal(m.size, [...m.keys()].length);
  m.clear();
  assert.equal(m.size, 0);
});

Deno.test("ShardedSet behaves as a Set and counts distinct keys", () => {
  const s = new ShardedSet();
  for (let i = 0; i < 3000; i++) s.add(`a${i % 1000}`);
  assert.equal(s.size, 1000);
  assert.equal(s.delete("a5"), true);
  assert.equal(s.delete("a5"), false);
  assert.equal(s.size, 999);
  assert.equal([...s].length, 999);
});

Deno.test("200,000 job keys and addresses spread evenly: no shard holds twice its share", () => {
  for (
    const key of [
      (i: number) => loopbackAddress(i),
      (i: number) => jobKey("tcp", loopbackAddress(i)),
      (i: number) => `host-${i}.example.com:443`,
    ]
  ) {
    const m = new ShardedMap<number>();
    for (let i = 0; i < 200_000; i++) m.set(key(i), i);
    assert.equal(m.size, 200_000);
    assert.ok(m.largestShard < (2 * 200_000) / SHARDS, `largest shard ${m.largestShard}`);
  }
  assert.equal(shardOf(""), shardOf(""));
  assert.ok(shardOf("a") >= 0 && shardOf("a") < SHARDS);
});
