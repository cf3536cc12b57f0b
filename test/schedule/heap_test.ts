import assert from "node:assert/strict";
import { TimerHeap } from "../../src/schedule/heap.ts";
import { prng } from "../_support/prng.ts";

type Item = { due: number; slot: number; id: number };
const item = (due: number, id: number): Item => ({ due, slot: -1, id });

function drain(h: TimerHeap<Item>): number[] {
  const out: number[] = [];
  for (let it = h.pop(); it; it = h.pop()) out.push(it.due);
  return out;
}

Deno.test("TimerHeap pops items in due order", () => {
  const rnd = prng(7);
  const h = new TimerHeap<Item>();
  const dues = Array.from({ length: 5000 }, () => Math.floor(rnd.next() * 1000));
  dues.forEach((due, id) => h.push(item(due, id)));
  assert.deepEqual(drain(h), [...dues].sort((a, b) => a - b));
});

Deno.test("TimerHeap holds an item once: a second push moves it, slot -1 once out", () => {
  const h = new TimerHeap<Item>();
  const a = item(5, 0);
  h.push(a);
  a.due = 2;
  h.push(a);
  h.push(item(3, 1));
  assert.equal(h.size, 2);
  assert.equal(h.has(a), true);
  assert.equal(h.pop(), a);
  assert.equal(a.slot, -1);
  assert.equal(h.has(a), false);
  h.remove(a); // not in it: nothing
  assert.equal(h.size, 1);
  assert.equal(h.pop()!.id, 1);
  assert.equal(h.pop(), undefined);
});

Deno.test("TimerHeap update() and remove() keep exactly the live items in due order (seeded)", () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const rnd = prng(seed);
    const h = new TimerHeap<Item>();
    const all = Array.from({ length: 3000 }, (_, id) => item(Math.floor(rnd.next() * 5000), id));
    const live = new Set<Item>();
    for (const it of all) {
      h.push(it);
      live.add(it);
    }
    for (let k = 0; k < 6000; k++) {
      const it = all[Math.floor(rnd.next() * all.length)]!;
      const op = rnd.next();
      if (op < 0.4) {
        it.due = Math.floor(rnd.next() * 5000);
        h.update(it); // adds it back when it was out
        live.add(it);
      } else if (op < 0.8) {
        h.remove(it);
        live.delete(it);
      } else if (h.size > 0) {
        const top = h.pop()!;
        assert.ok(live.delete(top), `seed ${seed}: id ${top.id} came out but was not in`);
        for (const other of live) assert.ok(other.due >= top.due, `seed ${seed}: out of order`);
      }
      assert.equal(h.size, live.size, `seed ${seed}`);
    }
    const out: number[] = [];
    for (let it = h.pop(); it; it = h.pop()) {
      assert.ok(live.delete(it), `seed ${seed}: id ${it.id} came out twice or was removed`);
      out.push(it.due);
    }
    assert.equal(live.size, 0, `seed ${seed}: ${live.size} items lost`);
    assert.deepEqual(out, [...out].sort((a, b) => a - b), `seed ${seed}`);
  }
});

Deno.test("TimerHeap remove() of most items keeps no reference to them", () => {
  const h = new TimerHeap<Item>();
  const all = Array.from({ length: 10_000 }, (_, id) => item((id * 7919) % 3600, id));
  all.forEach((it) => h.push(it));
  for (const it of all) if (it.id % 10 !== 0) h.remove(it);
  assert.equal(h.size, 1000);
  assert.equal(all.filter((it) => it.slot >= 0).length, 1000);
  assert.deepEqual(
    drain(h),
    all.filter((it) => it.id % 10 === 0).map((it) => it.due).sort((a, b) => a - b),
  );
});

Deno.test("TimerHeap clear() empties it and marks every item out", () => {
  const h = new TimerHeap<Item>();
  const all = [item(3, 0), item(1, 1), item(2, 2)];
  all.forEach((it) => h.push(it));
  h.clear();
  assert.equal(h.size, 0);
  assert.deepEqual(all.map((it) => it.slot), [-1, -1, -1]);
  h.push(all[0]!);
  assert.equal(h.pop(), all[0]);
});
