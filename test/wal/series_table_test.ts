import assert from "node:assert/strict";
import { BytePool } from "../../src/wal/byte_pool.ts";
import { grown, SeriesTable } from "../../src/wal/series_table.ts";

Deno.test("SeriesTable gives each distinct byte string one id, across rehashes and a clear()", () => {
  const pool = new BytePool();
  const table = new SeriesTable();
  const enc = new TextEncoder();
  const idOf = (s: string) => {
    const b = enc.encode(s);
    const id = table.find(pool, b, 0, b.length);
    return id >= 0 ? id : table.insert(pool.copy(b, 0, b.length), b.length);
  };
  // 50,000 strings (many rehashes), each looked up twice; "a" and "a\0" differ only in length.
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < 50_000; i++) assert.equal(idOf(`t${i}`), i);
  }
  assert.equal(idOf("a"), 50_000);
  assert.equal(idOf("a\0"), 50_001);
  assert.equal(table.size, 50_002);
  table.clear();
  pool.clear();
  assert.equal(idOf("t7"), 0);
  assert.equal(table.size, 1);
});

Deno.test("grown() keeps the contents and at least doubles", () => {
  const a = new Int32Array([1, 2, 3]);
  assert.equal(grown(a, 3), a);
  const b = grown(a, 4);
  assert.deepEqual([...b], [1, 2, 3, 0, 0, 0]);
});
