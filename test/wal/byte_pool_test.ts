import assert from "node:assert/strict";
import { BytePool, POOL_MASK, POOL_SHIFT } from "../../src/wal/byte_pool.ts";

const read = (pool: BytePool, at: number, n: number) =>
  pool.chunks[at >>> POOL_SHIFT]!.subarray(at & POOL_MASK, (at & POOL_MASK) + n);

Deno.test("BytePool keeps each piece whole in one chunk, and reuses its chunks after clear()", () => {
  const pool = new BytePool();
  const piece = new Uint8Array(1000).map((_, i) => i & 255);
  const at: number[] = [];
  for (let i = 0; i < 3000; i++) at.push(pool.copy(piece, i % 7, 1000 - (i % 5)));
  assert.equal(pool.chunks.length, 3); // 1,048 pieces of ~1 KB fit in 1 MiB
  for (let i = 0; i < 3000; i++) {
    const n = 1000 - (i % 5) - (i % 7);
    assert.equal((at[i]! & POOL_MASK) + n <= 1 << POOL_SHIFT, true, `piece ${i}`);
    assert.deepEqual(read(pool, at[i]!, n), piece.subarray(i % 7, 1000 - (i % 5)));
  }
  pool.clear();
  assert.equal(pool.length, 0);
  assert.equal(pool.copy(piece, 0, 10), 0);
  assert.equal(pool.capacity, 3 << POOL_SHIFT, "chunks kept");
  assert.throws(() => pool.copy(new Uint8Array((1 << POOL_SHIFT) + 1), 0, (1 << POOL_SHIFT) + 1), {
    name: "RangeError",
    message: `Cannot compact: a piece of ${(1 << POOL_SHIFT) + 1} bytes`,
  });
});
