import assert from "node:assert/strict";
import { HistogramSlab } from "../../src/metrics/histogram_slab.ts";

Deno.test("HistogramSlab observe() counts cumulatively, with the count and the sum", () => {
  const h = new HistogramSlab([0.1, 1, 10]);
  const a = h.alloc();
  const b = h.alloc();
  for (const v of [0.05, 0.5, 5, 50]) h.observe(a, v);
  h.observe(b, 1);
  assert.deepEqual([0, 1, 2].map((i) => h.bucket(a, i)), [1, 2, 3]);
  assert.equal(h.count(a), 4);
  assert.equal(h.sum(a), 55.55);
  assert.deepEqual([0, 1, 2].map((i) => h.bucket(b, i)), [0, 1, 1]);
  assert.equal(h.count(b), 1);
  assert.equal(h.sum(b), 1);
});

Deno.test("HistogramSlab alloc() reuses a released slot zeroed", () => {
  const h = new HistogramSlab([1]);
  const a = h.alloc();
  h.observe(a, 0.5);
  h.release(a);
  assert.equal(h.size, 0);
  const again = h.alloc();
  assert.equal(again, a);
  assert.equal(h.bucket(again, 0), 0);
  assert.equal(h.count(again), 0);
  assert.equal(h.sum(again), 0);
});

Deno.test("HistogramSlab spans slabs: slot 300 is apart from slot 44", () => {
  const h = new HistogramSlab([1]);
  const slots = Array.from({ length: 301 }, () => h.alloc());
  h.observe(slots[300]!, 2);
  assert.equal(h.count(300), 1);
  assert.equal(h.bucket(300, 0), 0);
  assert.equal(h.count(44), 0);
  assert.equal(h.size, 301);
});

Deno.test("HistogramSlab copy() keeps the figures of its moment", () => {
  const h = new HistogramSlab([1]);
  const a = h.alloc();
  h.observe(a, 0.5);
  const before = h.copy();
  h.observe(a, 0.5);
  h.release(a);
  h.observe(h.alloc(), 3);
  assert.equal(before.count(a), 1);
  assert.equal(before.bucket(a, 0), 1);
  assert.equal(before.sum(a), 0.5);
  assert.equal(h.count(a), 1);
  assert.equal(h.bucket(a, 0), 0);
});
