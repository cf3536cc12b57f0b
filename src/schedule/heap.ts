/** @module A binary min-heap keyed by time: the scheduler's one timer structure. */

/** An item with a due time and its place in the heap (-1 when in none). */
export interface Timed {
  due: number;
  /** Index in the heap's array, kept by the heap; -1 (or unset) when the item is in no heap. */
  slot: number;
}

/**
 * Min-heap on `due` that knows where each item is (its `slot`): an item is in it at most once,
 * moves when its due time changes ({@linkcode TimerHeap.update}) and leaves at once
 * ({@linkcode TimerHeap.remove}), in O(log n). So the scheduler keeps one heap item per job (the
 * job's own entry, no event object per tick) and nothing stale: no lazy removal to clean up after
 * a reload removed most jobs, and no set of items popped during a cleanup.
 *
 * @example
 * ```ts
 * import { TimerHeap } from "./heap.ts";
 * const h = new TimerHeap<{ due: number; slot: number }>();
 * const a = { due: 5, slot: -1 }, b = { due: 3, slot: -1 };
 * h.push(a);
 * h.push(b);
 * a.due = 1;
 * h.update(a);
 * if (h.pop() !== a || h.peek() !== b) throw new Error();
 * ```
 */
export class TimerHeap<T extends Timed> {
  #items: T[] = [];

  /** Items held. */
  get size(): number {
    return this.#items.length;
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  /** True when `item` is in this heap. */
  has(item: T): boolean {
    return item.slot >= 0 && this.#items[item.slot] === item;
  }

  /** Adds `item` (one not in the heap; one already in it is moved to its `due`). */
  push(item: T): void {
    if (this.has(item)) return this.update(item);
    item.slot = this.#items.length;
    this.#items.push(item);
    this.#up(item.slot);
  }

  pop(): T | undefined {
    const top = this.#items[0];
    if (top !== undefined) this.#removeAt(0);
    return top;
  }

  /** Moves `item` to its place after its `due` changed; adds it when it is not in the heap. */
  update(item: T): void {
    if (!this.has(item)) return this.push(item);
    this.#down(this.#up(item.slot));
  }

  /** Takes `item` out (nothing when it is not in the heap). */
  remove(item: T): void {
    if (this.has(item)) this.#removeAt(item.slot);
  }

  clear(): void {
    for (const item of this.#items) item.slot = -1;
    this.#items = [];
  }

  #removeAt(i: number): void {
    const a = this.#items;
    const gone = a[i]!;
    const last = a.pop()!;
    gone.slot = -1;
    if (last === gone) return;
    a[i] = last;
    last.slot = i;
    this.#down(this.#up(i));
  }

  /** Moves the item at `i` up to its place; returns where it ended. */
  #up(i: number): number {
    const a = this.#items;
    const item = a[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = a[p]!;
      if (parent.due <= item.due) break;
      a[i] = parent;
      parent.slot = i;
      i = p;
    }
    a[i] = item;
    item.slot = i;
    return i;
  }

  /** Moves the item at `i` down to its place, smaller children up. */
  #down(i: number): void {
    const a = this.#items;
    const item = a[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= a.length) break;
      const r = l + 1;
      const c = r < a.length && a[r]!.due < a[l]!.due ? r : l;
      const child = a[c]!;
      if (child.due >= item.due) break;
      a[i] = child;
      child.slot = i;
      i = c;
    }
    a[i] = item;
    item.slot = i;
  }
}
