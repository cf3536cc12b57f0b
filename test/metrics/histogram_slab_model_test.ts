/**
 * A fixed-seed random sequence of adds, removes, observations, scrapes' copies and compaction
 * steps on one {@linkcode HistogramSlab}, checked against a plain model (one array of figures
 * per row holder).
 */
import assert from "node:assert/strict";
import { type HistogramRows, HistogramSlab } from "../../src/metrics/histogram_slab.ts";
import { prng } from "../_support/prng.ts";

const BUCKETS = [0.001, 0.01, 0.1, 1];
/** Values on, between and beyond the bounds. */
const VALUES = [0, 0.0005, 0.001, 0.003, 0.01, 0.02, 0.1, 0.7, 1, 2.5, 1e-9, 123.456];

interface Owner {
  slot: number;
  /** The model: cumulative buckets, count, sum, as the slab should hold them. */
  want: number[];
}

function rowOf(rows: HistogramRows, slot: number): number[] {
  return [...BUCKETS.map((_, i) => rows.bucket(slot, i)), rows.count(slot), rows.sum(slot)];
}

function observeModel(o: Owner, v: number): void {
  BUCKETS.forEach((b, i) => {
    if (v <= b) o.want[i]!++;
  });
  o.want[BUCKETS.length]!++;
  o.want[BUCKETS.length + 1]! += v;
}

function check(h: HistogramSlab<Owner>, live: readonly Owner[], at: number): void {
  assert.equal(h.size, live.length, `size at ${at}`);
  const slots = new Set<number>();
  for (const o of live) {
    assert.ok(o.slot >= 0 && o.slot < h.capacity, `slot ${o.slot} of ${h.capacity} at ${at}`);
    slots.add(o.slot);
    assert.deepEqual(rowOf(h, o.slot), o.want, `row ${o.slot} at ${at}`);
  }
  assert.equal(slots.size, live.length, `distinct slots at ${at}`);
}

for (const seed of [1, 2, 3]) {
  Deno.test(`HistogramSlab matches a model through random adds, removes, observations and compaction (seed ${seed})`, () => {
    const rng = prng(seed);
    let moves = 0;
    const h = new HistogramSlab<Owner>(BUCKETS, {
      moved: (o, slot) => {
        assert.ok(live.includes(o), "a row that is in use moves");
        o.slot = slot;
        moves++;
      },
    });
    const live: Owner[] = [];
    let steps: Generator<void, void, void> | undefined;
    let sparseAtStart = false;
    let copy: { rows: HistogramRows; rowsWanted: [number, number[]][]; due: number } | undefined;
    let compactions = 0;
    for (let it = 0; it < 40_000; it++) {
      // Phases of growth and of shrinking, so the slab grows to thousands of rows and empties.
      const growing = Math.floor(it / 5000) % 2 === 0;
      const r = rng.next();
      if (r < (growing ? 0.45 : 0.04)) {
        const o: Owner = { slot: -1, want: BUCKETS.map(() => 0).concat(0, 0) };
        o.slot = h.alloc(o);
        live.push(o);
      } else if (r < (growing ? 0.55 : 0.6)) {
        if (live.length === 0) continue;
        const i = rng.int(live.length);
        const o = live[i]!;
        h.release(o.slot);
        live[i] = live[live.length - 1]!;
        live.pop();
      } else if (r < 0.9) {
        if (live.length === 0) continue;
        const o = rng.pick(live);
        const v = rng.pick(VALUES);
        h.observe(o.slot, v);
        observeModel(o, v);
      } else if (r < 0.99) {
        // A reload's compaction goes on a few steps between other work.
        if (!steps) {
          sparseAtStart = h.size * 4 < h.capacity && h.capacity > 256;
          steps = h.compactSteps();
        }
        for (let k = rng.int(3); k >= 0 && steps; k--) {
          if (steps.next().done) {
            steps = undefined;
            if (sparseAtStart) {
              compactions++;
              assert.equal(h.capacity, Math.ceil(h.size / 256) * 256, `capacity at ${it}`);
            }
          }
        }
      } else if (!copy && live.length) {
        // A scrape's copy, checked a while later: it keeps the figures of its moment.
        const some = Array.from({ length: 20 }, () => rng.pick(live));
        copy = {
          rows: h.copy(),
          rowsWanted: some.map((o) => [o.slot, o.want.slice()]),
          due: it + 200,
        };
      }
      if (copy && it >= copy.due) {
        for (const [slot, want] of copy.rowsWanted) assert.deepEqual(rowOf(copy.rows, slot), want);
        copy = undefined;
      }
      if (it % 250 === 0) check(h, live, it);
    }
    check(h, live, -1);
    assert.ok(compactions >= 2 && moves > 100, `${compactions} compactions, ${moves} moves`);
    // Emptied, then compacted: no slab left.
    for (const o of live.splice(0)) h.release(o.slot);
    while (steps && !steps.next().done);
    for (const step of h.compactSteps()) void step;
    assert.equal(h.capacity, 0);
  });
}
