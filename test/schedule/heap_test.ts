import assert from "node:assert/strict";
import { TimerHeap } from "../../src/schedule/heap.ts";
import { prng } from "../_support/prng.ts";

function drain(h: TimerHeap<{ due: number; id: number }>): number[] {
  const out: number[] = [];
  for (let it = h.pop(); it; it = h.pop()) out.push(it.due);
  return out;
}

Deno.test("TimerHeap pops items in due order", () => {
  const rnd = prng(7);
  const h = new TimerHeap<{ due: number; id: number }>();
  const dues = Array.from({ length: 5000 }, () => Math.floor(rnd.next() * 1000));
  dues.forEach((due, id) => h.push({ due, id }));
  assert.deepEqual(drain(h), [...dues].sort((a, b) => a - b));
});

Deno.test("TimerHeap retain() keeps exactly the accepted items, still in due order", () => {
  const rnd = prng(13);
  for (const n of [0, 1, 2, 3, 10, 1000, 20_000]) {
    const h = new TimerHeap<{ due: number; id: number }>();
    const items = Array.from({ length: n }, (_, id) => ({ due: Math.floor(rnd.next() * 500), id }));
    items.forEach((it) => h.push(it));
    // Pop a few first so the heap is not in insertion order.
    const popped = new Set<number>();
    for (let i = 0; i < n / 10; i++) popped.add(h.pop()!.id);
    h.retain((it) => it.id % 3 !== 0);
    const want = items.filter((it) => !popped.has(it.id) && it.id % 3 !== 0).map((it) => it.due);
    assert.equal(h.size, want.length, `n=${n}`);
    assert.deepEqual(drain(h), want.sort((a, b) => a - b), `n=${n}`);
  }
});

Deno.test("TimerHeap retain() of nothing empties it; pushes after it still order", () => {
  const h = new TimerHeap<{ due: number; id: number }>();
  for (let i = 0; i < 100; i++) h.push({ due: i, id: i });
  h.retain(() => false);
  assert.equal(h.size, 0);
  assert.equal(h.peek(), undefined);
  h.push({ due: 5, id: 1 });
  h.push({ due: 2, id: 2 });
  assert.deepEqual(drain(h), [2, 5]);
});
