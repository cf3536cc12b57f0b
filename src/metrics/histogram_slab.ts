/**
 * @module Cumulative histograms of many jobs with the same buckets, in typed-array slabs of 256
 * slots: a slot is a row of `buckets + 2` doubles (the cumulative bucket counts, the count, the
 * sum). One histogram as an object with a `counts` array cost ~230 B and three heap objects;
 * a row of 14 buckets is 128 B and none, and a scrape copies a slab in one call instead of
 * 20,000 arrays at 10,000 ICMP targets. After most jobs leave (a reload),
 * {@linkcode HistogramSlab.compactSteps} moves the live rows down and drops the emptied slabs:
 * the ICMP RTT rows of 200,000 jobs reloaded down to 100 stayed 25.6 MB, copied by every scrape;
 * compacted they are one slab of 32 KB.
 */
import { STEP_ITEMS, type Steps } from "../base/slices.ts";

const SLAB = 256;

/** Read access to histogram rows (the live slab or a copy of it). */
export interface HistogramRows {
  /** Cumulative count of bucket `i` of `slot` (observations `<= buckets[i]`). */
  bucket(slot: number, i: number): number;
  count(slot: number): number;
  sum(slot: number): number;
}

/** Options of {@linkcode HistogramSlab}. */
export interface HistogramSlabOptions<T> {
  /** Tells `owner` (as given to `alloc()`) that compaction moved its row to `slot`. */
  moved: (owner: T, slot: number) => void;
}

/**
 * The rows of one bucket layout; `alloc(owner)` hands out a zeroed slot, `release()` takes it
 * back for reuse, `compactSteps()` moves rows when few are left (and tells their owners).
 *
 * Free slots are a stack of exactly the free slots below the top (`alloc()` pops one, in O(1));
 * a free row holds its place in that stack in its first double, so compaction can take a slot
 * out of the stack in O(1) too. Beside the rows is only the array of their owners (8 B a slot),
 * who are told when compaction moves their row; `observe()` is the same as without compaction.
 *
 * @example
 * ```ts
 * import { HistogramSlab } from "./histogram_slab.ts";
 * const job = { row: -1 };
 * const h = new HistogramSlab([0.1, 1], { moved: (o: typeof job, slot) => (o.row = slot) });
 * job.row = h.alloc(job);
 * h.observe(job.row, 0.5);
 * if (h.bucket(job.row, 0) !== 0 || h.bucket(job.row, 1) !== 1 || h.count(job.row) !== 1) {
 *   throw new Error();
 * }
 * ```
 */
export class HistogramSlab<T extends object> implements HistogramRows {
  readonly #width: number;
  readonly #moved: (owner: T, slot: number) => void;
  #slabs: Float64Array[] = [];
  #free: number[] = [];
  /** The owner of each slot below the top, `undefined` when free. */
  #owners: (T | undefined)[] = [];

  constructor(readonly buckets: readonly number[], options: HistogramSlabOptions<T>) {
    this.#width = buckets.length + 2;
    this.#moved = options.moved;
  }

  /** Slots in use. */
  get size(): number {
    return this.#owners.length - this.#free.length;
  }

  /** Rows allocated (in use, free or never handed out): the slabs' length. */
  get capacity(): number {
    return this.#slabs.length * SLAB;
  }

  /** A zeroed slot for `owner`, who is told if compaction moves it. */
  alloc(owner: T): number {
    const owners = this.#owners;
    const slot = this.#free.pop() ?? owners.length;
    owners[slot] = owner;
    const n = Math.floor(slot / SLAB);
    const slab = this.#slabs[n] ??= new Float64Array(SLAB * this.#width);
    const at = (slot % SLAB) * this.#width;
    slab.fill(0, at, at + this.#width);
    return slot;
  }

  /** Gives `slot` back; its figures are gone. */
  release(slot: number): void {
    if (this.#owners[slot] === undefined) {
      throw new RangeError(`Cannot release slot ${slot}: not in use`);
    }
    this.#owners[slot] = undefined;
    this.#setFreeAt(slot, this.#free.length);
    this.#free.push(slot);
  }

  /** Adds one observation of `v` to `slot`. */
  observe(slot: number, v: number): void {
    const w = this.#width;
    const slab = this.#slabs[Math.floor(slot / SLAB)]!;
    const at = (slot % SLAB) * w;
    const b = this.buckets;
    for (let i = 0; i < b.length; i++) if (v <= b[i]!) slab[at + i]!++;
    slab[at + w - 2]!++;
    slab[at + w - 1]! += v;
  }

  bucket(slot: number, i: number): number {
    return rowsAt(this.#slabs, this.#width, slot, i);
  }

  count(slot: number): number {
    return rowsAt(this.#slabs, this.#width, slot, this.#width - 2);
  }

  sum(slot: number): number {
    return rowsAt(this.#slabs, this.#width, slot, this.#width - 1);
  }

  /** Every row as it is now (a copy: later observations do not change it). */
  copy(): HistogramRows {
    const slabs = this.#slabs.map((s) => s.slice());
    const w = this.#width;
    return {
      bucket: (slot, i) => rowsAt(slabs, w, slot, i),
      count: (slot) => rowsAt(slabs, w, slot, w - 2),
      sum: (slot) => rowsAt(slabs, w, slot, w - 1),
    };
  }

  /**
   * Drops the free rows at the top, and when fewer than a quarter of the rows are in use (and
   * there is more than one slab), moves rows down until none is free below the top: a cursor
   * goes up from slot 0 to the next free slot, and the top row moves there, so each row moves
   * at most once; emptied slabs go as the top passes them. A `yield` every
   * {@linkcode STEP_ITEMS} slots looked at (one is dropped, passed or moved: a move copies
   * `buckets + 2` doubles). Each step leaves the slab consistent, so `alloc`, `release`,
   * `observe` and scrapes may run between steps (a slot released below the cursor meanwhile is
   * filled from the free stack at the end), and a loop ended early leaves the rest to the next.
   */
  *compactSteps(): Steps<void> {
    const owners = this.#owners;
    const moving = this.size * 4 < this.capacity && this.#slabs.length > 1;
    let low = 0;
    for (let n = 1;; n++) {
      if (n % STEP_ITEMS === 0) yield;
      const top = owners.length - 1;
      if (top < 0) return;
      if (owners[top] === undefined) {
        this.#takeFree(top);
      } else if (!moving) {
        return;
      } else if (low < top && owners[low] !== undefined) {
        low++;
        continue;
      } else if (low < top) {
        this.#takeFree(low);
        this.#move(top, low);
      } else {
        const to = this.#free.pop();
        if (to === undefined) return;
        this.#move(top, to);
      }
      owners.pop();
      if (top % SLAB === 0) this.#slabs.length = top / SLAB;
    }
  }

  /** Copies row `from` into the free slot `to`, which its owner is told. */
  #move(from: number, to: number): void {
    const w = this.#width;
    const src = this.#slabs[Math.floor(from / SLAB)]!;
    const dst = this.#slabs[Math.floor(to / SLAB)]!;
    const a = (from % SLAB) * w;
    const b = (to % SLAB) * w;
    for (let i = 0; i < w; i++) dst[b + i] = src[a + i]!;
    const owner = this.#owners[from]!;
    this.#owners[to] = owner;
    this.#moved(owner, to);
  }

  /** Takes the free `slot` out of the free stack (the stack's last entry fills its place). */
  #takeFree(slot: number): void {
    const free = this.#free;
    const i = this.#freeAt(slot);
    const last = free.pop()!;
    if (last === slot) return;
    free[i] = last;
    this.#setFreeAt(last, i);
  }

  #freeAt(slot: number): number {
    return rowsAt(this.#slabs, this.#width, slot, 0);
  }

  #setFreeAt(slot: number, i: number): void {
    this.#slabs[Math.floor(slot / SLAB)]![(slot % SLAB) * this.#width] = i;
  }
}

function rowsAt(slabs: readonly Float64Array[], width: number, slot: number, i: number): number {
  return slabs[Math.floor(slot / SLAB)]![(slot % SLAB) * width + i]!;
}
