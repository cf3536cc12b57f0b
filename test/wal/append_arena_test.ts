import assert from "node:assert/strict";
import { AppendArena, CHUNK_BYTES } from "../../src/wal/append_arena.ts";

const body = (n: number, fill: number) => new Uint8Array(n).fill(fill);

Deno.test("AppendArena keeps copies in order: the caller's buffer may change after push()", () => {
  const arena = new AppendArena();
  const buf = body(300, 1);
  arena.push(buf, 1);
  buf.fill(2);
  arena.push(buf, 2);
  buf.fill(9);
  const { pending } = arena.take();
  assert.deepEqual(pending.map((p) => [p.body.length, p.body[0], p.body[299], p.samples]), [
    [300, 1, 1, 1],
    [300, 2, 2, 2],
  ]);
  assert.equal(arena.empty, true);
});

Deno.test("AppendArena: a body past the chunk size is its own copy; bodies never span chunks", () => {
  const arena = new AppendArena();
  const big = body(CHUNK_BYTES + 1, 7);
  arena.push(body(CHUNK_BYTES - 10, 1), 1);
  arena.push(body(20, 2), 1); // does not fit the first chunk's 10 bytes left
  arena.push(big, 3);
  big.fill(0);
  const { pending } = arena.take();
  assert.equal(pending.length, 3);
  assert.notEqual(pending[0]!.body.buffer, pending[1]!.body.buffer);
  assert.equal(pending[1]!.body.byteOffset, 0);
  assert.deepEqual([...new Set(pending[1]!.body)], [2]);
  assert.equal(pending[2]!.body.length, CHUNK_BYTES + 1);
  assert.deepEqual([...new Set(pending[2]!.body)], [7]);
});

Deno.test("AppendArena reuses a chunk only after release(): taken bodies stay intact until then", () => {
  const arena = new AppendArena();
  arena.push(body(100, 1), 1);
  const first = arena.take();
  arena.push(body(100, 2), 1); // a fresh chunk: the first is not released yet
  assert.deepEqual([...new Set(first.pending[0]!.body)], [1]);
  const second = arena.take();
  assert.notEqual(second.pending[0]!.body.buffer, first.pending[0]!.body.buffer);
  first.release();
  arena.push(body(100, 3), 1);
  const third = arena.take();
  assert.equal(third.pending[0]!.body.buffer, first.pending[0]!.body.buffer); // reused
  assert.deepEqual([...new Set(third.pending[0]!.body)], [3]);
  assert.deepEqual([...new Set(second.pending[0]!.body)], [2]);
});
