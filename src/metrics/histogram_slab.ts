/**
 * @module Cumulative histograms of many jobs with the same buckets, in typed-array slabs of 256
 * slots: a slot is a row of `buckets + 2` doubles (the cumulative bucket counts, the count, the
 * sum). One histogram as an object with a `counts` array cost ~230 B and three heap objects;
 * a row of 14 buckets is 128 B and none, and a scrape copies a slab in one call instead of
 * 20,000 arrays at 10,000 ICMP targets.
 */

const SLAB = 256;

/** Read access to histogram rows (the live slab or a copy of it). */
export interface HistogramRows {
  /** Cumulative count of bucket `i` of `slot` (observations `<= buckets[i]`). */
  bucket(slot: number, i: number): number;
  count(slot: number): number;
  sum(slot: number): number;
}

/**
 * The rows of one bucket layout; `alloc()` hands out a zeroed slot, `release()` takes it back
 * for reuse.
 *
 * @example
 * ```ts
 * import { HistogramSlab } from "./histogram_slab.ts";
 * const h = new HistogramSlab([0.1, 1]);
 * const slot = h.alloc();
 * h.observe(slot, 0.5);
 * if (h.bucket(slot, 0) !== 0 || h.bucket(slot, 1) !== 1 || h.count(slot) !== 1) throw new Error();
 * ```
 */
export class HistogramSlab implements HistogramRows {
  readonly #width: number;
  #slabs: Float64Array[] = [];
  #free: number[] = [];
  #next = 0;

  constructor(readonly buckets: readonly number[]) {
    this.#width = buckets.length + 2;
  }

  /** Slots in use. */
  get size(): number {
    return this.#next - this.#free.length;
  }

  /** A zeroed slot. */
  alloc(): number {
    const slot = this.#free.pop() ?? this.#next++;
    const n = Math.floor(slot / SLAB);
    const slab = this.#slabs[n] ??= new Float64Array(SLAB * this.#width);
    const at = (slot % SLAB) * this.#width;
    slab.fill(0, at, at + this.#width);
    return slot;
  }

  /** Gives `slot` back; its figures are gone. */
  release(slot: number): void {
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
}

function rowsAt(slabs: readonly Float64Array[], width: number, slot: number, i: number): number {
  return slabs[Math.floor(slot / SLAB)]![(slot % SLAB) * width + i]!;
}
