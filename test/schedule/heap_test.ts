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

Deno.test("TimerHeap retainSteps() yields between pieces and ends with exactly the accepted items", () => {
  const h = new TimerHeap<{ due: number; id: number }>();
  for (let id = 0; id < 20_000; id++) h.push({ due: (id * 7919) % 10_000, id });
  let yields = 0;
  for (const steps = h.retainSteps((it) => it.id % 4 === 0); !steps.next().done;) yields++;
  // 20,000 filtered and 5,000 rebuilt, a yield every 256: no single call does it all.
  assert.equal(yields, Math.floor(20_000 / 256) + Math.floor(2_500 / 256));
  assert.equal(h.size, 5_000);
  const want = Array.from({ length: 5_000 }, (_, k) => (k * 4 * 7919) % 10_000);
  assert.deepEqual(drain(h), want.sort((a, b) => a - b));
});

Deno.test("TimerHeap retainSteps() keeps pushes and pops made between its steps (seeded)", () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const rnd = prng(seed);
    const h = new TimerHeap<{ due: number; id: number }>();
    const live = new Map<number, number>(); // id -> due, what the heap must hold
    let next = 0;
    const add = () => {
      const it = { due: Math.floor(rnd.next() * 5000), id: next++ };
      h.push(it);
      live.set(it.id, it.due);
    };
    for (let i = 0; i < 5000; i++) add();
    const keep = (it: { id: number }) => it.id % 3 !== 0 || it.id >= 5000;
    // Between steps the live heap is used as the loop uses it: pushes, and pops (of any item,
    // a filtered-out one too, as the retain has not dropped those yet).
    // Two retains back to back: the second starts with the ghosts the first left.
    for (const retainKeep of [keep, (it: { id: number }) => it.id % 7 !== 1 || it.id < 5000]) {
      const steps = h.retainSteps(retainKeep);
      for (let r = steps.next(); !r.done; r = steps.next()) {
        for (let k = Math.floor(rnd.next() * 4); k > 0; k--) add();
        for (let k = Math.floor(rnd.next() * 40); k > 0; k--) {
          const it = h.pop()!;
          live.delete(it.id);
        }
      }
      // Kept: what `keep` accepts of what was there or was pushed meanwhile, and not popped.
      for (const id of live.keys()) if (!retainKeep({ id })) live.delete(id);
    }
    assert.equal(h.size >= live.size, true, `seed ${seed}`);
    const out: number[] = [];
    for (let it = h.pop(); it; it = h.pop()) {
      assert.ok(live.delete(it.id), `seed ${seed}: id ${it.id} came out twice or was dropped`);
      out.push(it.due);
    }
    assert.equal(live.size, 0, `seed ${seed}: ${live.size} items lost`);
    assert.deepEqual(out, [...out].sort((a, b) => a - b), `seed ${seed}`);
  }
});

Deno.test("TimerHeap retainSteps() ended early leaves the heap as it was", () => {
  const h = new TimerHeap<{ due: number; id: number }>();
  for (let id = 0; id < 2000; id++) h.push({ due: 2000 - id, id });
  const steps = h.retainSteps(() => false);
  steps.next();
  steps.return();
  assert.equal(h.size, 2000);
  h.retain((it) => it.id < 10); // no sliced retain left running
  assert.deepEqual(drain(h), [1991, 1992, 1993, 1994, 1995, 1996, 1997, 1998, 1999, 2000]);
});
