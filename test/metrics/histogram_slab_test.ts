import assert from "node:assert/strict";
import { HistogramSlab } from "../../src/metrics/histogram_slab.ts";
import { runSync, STEP_ITEMS } from "../../src/base/slices.ts";

/** A row's holder, as the live metrics' job state holds its rows. */
interface Owner {
  slot: number;
}

function slab(buckets: readonly number[]): HistogramSlab<Owner> {
  return new HistogramSlab<Owner>(buckets, { moved: (o, slot) => (o.slot = slot) });
}

function add(h: HistogramSlab<Owner>): Owner {
  const o = { slot: -1 };
  o.slot = h.alloc(o);
  return o;
}

/** Every figure of `o`'s row: the bucket counts, the count, the sum. */
function figures(h: HistogramSlab<Owner>, o: Owner): number[] {
  return [...h.buckets.map((_, i) => h.bucket(o.slot, i)), h.count(o.slot), h.sum(o.slot)];
}

/** Runs `steps` to the end, counting its pauses. */
function pauses(steps: Generator<void, void, void>): number {
  let n = 0;
  while (!steps.next().done) n++;
  return n;
}

Deno.test("HistogramSlab observe() counts cumulatively, with the count and the sum", () => {
  const h = slab([0.1, 1, 10]);
  const a = add(h);
  const b = add(h);
  for (const v of [0.05, 0.5, 5, 50]) h.observe(a.slot, v);
  h.observe(b.slot, 1);
  assert.deepEqual(figures(h, a), [1, 2, 3, 4, 55.55]);
  assert.deepEqual(figures(h, b), [0, 1, 1, 1, 1]);
});

Deno.test("HistogramSlab alloc() reuses a released slot zeroed", () => {
  const h = slab([1]);
  const a = add(h);
  h.observe(a.slot, 0.5);
  add(h);
  h.release(a.slot);
  assert.equal(h.size, 1);
  const again = add(h);
  assert.equal(again.slot, a.slot);
  assert.deepEqual(figures(h, again), [0, 0, 0]);
});

Deno.test("HistogramSlab release() rejects a slot not in use", () => {
  const h = slab([1]);
  const a = add(h);
  h.release(a.slot);
  assert.throws(() => h.release(a.slot), RangeError);
  assert.throws(() => h.release(7), RangeError);
});

Deno.test("HistogramSlab spans slabs: slot 300 is apart from slot 44", () => {
  const h = slab([1]);
  const owners = Array.from({ length: 301 }, () => add(h));
  h.observe(owners[300]!.slot, 2);
  assert.equal(h.count(300), 1);
  assert.equal(h.bucket(300, 0), 0);
  assert.equal(h.count(44), 0);
  assert.equal(h.size, 301);
  assert.equal(h.capacity, 512);
});

Deno.test("HistogramSlab copy() keeps the figures of its moment", () => {
  const h = slab([1]);
  const a = add(h);
  h.observe(a.slot, 0.5);
  const before = h.copy();
  h.observe(a.slot, 0.5);
  h.release(a.slot);
  h.observe(add(h).slot, 3);
  assert.equal(before.count(a.slot), 1);
  assert.equal(before.bucket(a.slot, 0), 1);
  assert.equal(before.sum(a.slot), 0.5);
  assert.equal(h.count(a.slot), 1);
  assert.equal(h.bucket(a.slot, 0), 0);
});

Deno.test("HistogramSlab compactSteps() after 200,000 rows down to 100 keeps every figure in one slab", () => {
  const buckets = [0.001, 0.01, 0.1, 1];
  const h = slab(buckets);
  const owners = Array.from({ length: 200_000 }, () => add(h));
  owners.forEach((o, i) => {
    for (let k = 0; k < 1 + (i % 3); k++) h.observe(o.slot, ((i * 7 + k) % 1500) / 1000 + 1e-7);
  });
  // 100 rows left all over the slab, the top one among them, and the bottom one.
  const kept = owners.filter((_, i) => i % 2000 === 0 || i === 199_999);
  const keptSet = new Set(kept);
  const before = kept.map((o) => figures(h, o));
  for (const o of owners) if (!keptSet.has(o)) h.release(o.slot);
  assert.equal(h.size, 101);
  assert.equal(h.capacity, 200_192);

  const n = pauses(h.compactSteps());
  assert.ok(n >= 199_899 / STEP_ITEMS - 1, `${n} pauses`);
  assert.equal(h.capacity, 256);
  assert.equal(h.size, 101);
  assert.deepEqual(kept.map((o) => figures(h, o)), before);
  assert.deepEqual(new Set(kept.map((o) => o.slot)).size, 101);
  assert.ok(kept.every((o) => o.slot < 101));
  // A new row comes after them, zeroed; observing one row leaves the others as they were.
  const fresh = add(h);
  assert.equal(fresh.slot, 101);
  assert.deepEqual(figures(h, fresh), [0, 0, 0, 0, 0, 0]);
  h.observe(kept[3]!.slot, 0.005);
  assert.deepEqual(figures(h, kept[3]!), before[3]!.map((x, i) => x + [0, 1, 1, 1, 1, 0.005][i]!));
  assert.deepEqual(figures(h, kept[4]!), before[4]);
});

Deno.test("HistogramSlab compactSteps() moves nothing while a quarter is in use, but drops the free top", () => {
  const h = slab([1]);
  const owners = Array.from({ length: 1024 }, () => add(h));
  owners.forEach((o, i) => h.observe(o.slot, i));
  // 300 of 1,024 in use, the free ones below: nothing to drop, too many to move.
  for (const o of owners.slice(0, 724)) h.release(o.slot);
  runSync(h.compactSteps());
  assert.equal(h.capacity, 1024);
  assert.deepEqual(owners.slice(724).map((o) => o.slot), owners.slice(724).map((_, i) => 724 + i));
  // The top 300 go too: all rows are free, the slabs are gone.
  for (const o of owners.slice(724)) h.release(o.slot);
  runSync(h.compactSteps());
  assert.equal(h.capacity, 0);
  assert.equal(h.size, 0);
  assert.equal(add(h).slot, 0);
});

Deno.test("HistogramSlab compactSteps() ended early leaves a consistent slab, the next call goes on", () => {
  const h = slab([0.5]);
  const owners = Array.from({ length: 5000 }, () => add(h));
  owners.forEach((o, i) => h.observe(o.slot, i % 2 ? 0.25 : 1));
  const kept = owners.filter((_, i) => i % 50 === 1);
  for (const o of owners) if (o.slot % 50 !== 1) h.release(o.slot);
  const steps = h.compactSteps();
  for (let i = 0; i < 5; i++) steps.next();
  steps.return();
  assert.ok(h.capacity < 5120 && h.capacity > 256, `${h.capacity}`);
  assert.ok(kept.every((o) => h.count(o.slot) === 1 && h.bucket(o.slot, 0) === 1));
  runSync(h.compactSteps());
  assert.equal(h.capacity, 256);
  assert.ok(kept.every((o) => h.count(o.slot) === 1 && h.bucket(o.slot, 0) === 1));
});
