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
    if (a.length > 0 && last !== undefined) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && a[r]!.due < a[l]!.due ? r : l;
        if (a[c]!.due >= last.due) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }

  clear(): void {
    this.#items = [];
  }
}
