/** @module A binary min-heap keyed by time: the scheduler's one timer structure. */

/** An item with a due time. */
export interface Timed {
  due: number;
}

/** Min-heap on `due`. Removal is lazy: callers mark items dead and skip them on pop. */
export class TimerHeap<T extends Timed> {
  #items: T[] = [];

  get size(): number {
    return this.#items.length;
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  push(item: T): void {
    const a = this.#items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]!.due <= item.due) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = item;
  }

  pop(): T | undefined {
    const a = this.#items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) siftDown(a, 0, last);
    return top;
  }

  /**
   * Keeps only the items `keep` accepts: one filter pass and a bottom-up rebuild, O(n) (1,000,000
   * items ~25 ms), where popping every item and pushing the live ones back is O(n log n) (~10×
   * that), too long to hold the event loop after a reload removed most jobs.
   */
  retain(keep: (item: T) => boolean): void {
    const a = this.#items.filter(keep);
    for (let i = (a.length >> 1) - 1; i >= 0; i--) siftDown(a, i, a[i]!);
    this.#items = a;
  }

  clear(): void {
    this.#items = [];
  }
}

/** Places `item` at `i` or below, moving smaller children up. */
function siftDown<T extends Timed>(a: T[], i: number, item: T): void {
  for (;;) {
    const l = 2 * i + 1;
    if (l >= a.length) break;
    const r = l + 1;
    const c = r < a.length && a[r]!.due < a[l]!.due ? r : l;
    if (a[c]!.due >= item.due) break;
    a[i] = a[c]!;
    i = c;
  }
  a[i] = item;
}
