import assert from "node:assert/strict";
import { type Batch, createBatcher } from "../../src/push/batcher.ts";
import { createMemoryWal, type MemoryWal } from "../_support/memory_wal.ts";

/** A WAL of one-sample records in `lanes` (undefined: a record without a lane). */
function walOf(lanes: (number | undefined)[]): MemoryWal {
  const wal = createMemoryWal();
  lanes.forEach((lane, i) => wal.append(new Uint8Array([i + 1]), 1, lane));
  return wal;
}

async function all(wal: MemoryWal, maxSamples: number, stops?: number[]): Promise<Batch[]> {
  const batcher = createBatcher(wal, 0, { maxSamples, maxBytes: 1 << 20, stops: stops ?? [] });
  const out: Batch[] = [];
  for (let b = await batcher.next(); b && out.length < 100; b = await batcher.next()) out.push(b);
  return out;
}

const end = (wal: MemoryWal, i: number) => wal.entries[i]!.nextOffset;
const shape = (batches: Batch[]) =>
  batches.map((b) => [b.lane, b.records, b.offset, b.nextOffset, b.partial === true]);

Deno.test("createBatcher() hands out one batch per lane of a range, the last one committing it", async () => {
  const wal = walOf([0, 1, 0, 1, 2]);
  assert.deepEqual(shape(await all(wal, 2)), [
    [0, 2, 0, end(wal, 4), true],
    [1, 2, 0, end(wal, 4), true],
    [2, 1, 0, end(wal, 4), false],
  ]);
});

Deno.test("createBatcher() ends a lane range before a record its lane has no room for", async () => {
  const wal = walOf([0, 1, 0, 1, 0, 1]);
  assert.deepEqual(shape(await all(wal, 2)), [
    [0, 2, 0, end(wal, 3), true],
    [1, 2, 0, end(wal, 3), false],
    // The rest fits one batch: one of both lanes.
    [undefined, 2, end(wal, 3), end(wal, 5), false],
  ]);
});

Deno.test("createBatcher() never runs a lane range across a stop, and marks the range a resend", async () => {
  const wal = walOf([0, 1, 0, 1]);
  const batches = await all(wal, 1, [end(wal, 1)]);
  assert.deepEqual(shape(batches), [
    [0, 1, 0, end(wal, 1), true],
    [1, 1, 0, end(wal, 1), false],
    [0, 1, end(wal, 1), end(wal, 3), true],
    [1, 1, end(wal, 1), end(wal, 3), false],
  ]);
  assert.deepEqual(batches.map((b) => b.resend === true), [true, true, false, false]);
});

Deno.test("createBatcher() keeps records without a lane apart from lane records, in WAL order", async () => {
  const wal = walOf([undefined, undefined, 0, 1, undefined]);
  assert.deepEqual(shape(await all(wal, 10)), [
    [undefined, 2, 0, end(wal, 1), false],
    [undefined, 2, end(wal, 1), end(wal, 3), false],
    [undefined, 1, end(wal, 3), end(wal, 4), false],
  ]);
});

Deno.test("createBatcher() sends a lane record larger than the limits alone", async () => {
  const wal = createMemoryWal();
  wal.append(new Uint8Array([1]), 5, 0);
  wal.append(new Uint8Array([2]), 5, 0);
  wal.append(new Uint8Array([3]), 1, 1);
  assert.deepEqual(shape(await all(wal, 2)), [
    [0, 1, 0, end(wal, 0), false],
    [0, 1, end(wal, 0), end(wal, 2), true],
    [1, 1, end(wal, 0), end(wal, 2), false],
  ]);
});

Deno.test("createBatcher() hands out a range that fits one batch as one batch of every lane (the live tail)", async () => {
  // A tick of four lanes, then two more ticks: each read on its own, as a live push reads them.
  const wal = createMemoryWal();
  const batcher = createBatcher(wal, 0, { maxSamples: 100, maxBytes: 1 << 20, stops: [] });
  const got: Batch[] = [];
  for (let tick = 0; tick < 3; tick++) {
    for (let lane = 0; lane < 4; lane++) wal.append(new Uint8Array([tick, lane]), 6, lane);
    for (let b = await batcher.next(); b; b = await batcher.next()) got.push(b);
  }
  assert.deepEqual(shape(got), [
    [undefined, 4, 0, end(wal, 3), false],
    [undefined, 4, end(wal, 3), end(wal, 7), false],
    [undefined, 4, end(wal, 7), end(wal, 11), false],
  ]);
  assert.deepEqual(got.map((b) => b.samples), [24, 24, 24]);
});

Deno.test("createBatcher() sends a range sent before a restart by lane even when it fits one batch", async () => {
  // Before the restart it may have gone by lane (smaller limits): joined, an acknowledged lane
  // batch and one that was not would be refused together.
  const wal = walOf([0, 1, 0, 1]);
  const batches = await all(wal, 100, [end(wal, 3)]);
  assert.deepEqual(shape(batches), [
    [0, 2, 0, end(wal, 3), true],
    [1, 2, 0, end(wal, 3), false],
  ]);
  assert.ok(batches.every((b) => b.resend));
});
