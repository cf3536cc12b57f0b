/** @module A binary min-heap keyed by time: the scheduler's one timer structure. */
import { STEP_ITEMS, type Steps } from "../base/slices.ts";

/** An item with a due time. */
export interface Timed {
  due: number;
}

/**
 * Min-heap on `due`. Removal is lazy: callers mark items dead and skip them on pop. Items are
 * distinct objects (one pushed twice would be told apart from nothing by a sliced retain).
 */
export class TimerHeap<T extends Timed> {
  #items: T[] = [];
  /** While {@linkcode TimerHeap.retainSteps} runs: the items pushed and popped since it began. */
  #during: { pushed: T[]; popped: Set<T> } | undefined;
  /** Popped during the last sliced retain but still in the heap it built: dropped when on top. */
  #ghosts: Set<T> | undefined;

  /** Items held (after a sliced retain, possibly a few popped during it, until they surface). */
  get size(): number {
    return this.#items.length;
  }

  peek(): T | undefined {
    if (this.#ghosts) this.#dropGhosts();
    return this.#items[0];
  }

  push(item: T): void {
    this.#during?.pushed.push(item);
    siftUp(this.#items, item);
  }

  pop(): T | undefined {
    if (this.#ghosts) this.#dropGhosts();
    const top = this.#take();
    if (top !== undefined) this.#during?.popped.add(top);
    return top;
  }

  /**
   * Keeps only the items `keep` accepts: one filter pass and a bottom-up rebuild, O(n) (1,000,000
   * items ~25 ms), where popping every item and pushing the live ones back is O(n log n) (~10×
   * that), too long to hold the event loop after a reload removed most jobs.
   */
  retain(keep: (item: T) => boolean): void {
    if (this.#during) throw new Error("Cannot retain: a sliced retain is running");
    const a = this.#items.filter(keep);
    for (let i = (a.length >> 1) - 1; i >= 0; i--) siftDown(a, i, a[i]!);
    this.#items = a;
    this.#ghosts = undefined;
  }

  /**
   * {@linkcode TimerHeap.retain} as steps (a `yield` every few hundred items), the heap whole and
   * in use between them: 2,000,000 items took ~200 ms in one call. It filters a copy and rebuilds
   * it bottom-up while `push` and `pop` go on on the live heap; at the end the copy replaces the
   * heap, with the items pushed meanwhile that `keep` accepts and without those popped meanwhile (which come out of
   * no later `pop` or `peek`). Ended early (an abort), the heap is left as it was.
   */
  *retainSteps(keep: (item: T) => boolean): Steps<void> {
    if (this.#during) throw new Error("Cannot retain: a sliced retain is running");
    // One copy (a memcpy, ~10 ms for 2,000,000): the live heap's items move as it is used.
    const copy = this.#items.slice();
    // The ghosts left by the last sliced retain, as they are now (they leave the set as they
    // surface, and one surfacing meanwhile is still in the copy).
    const old = this.#ghosts && new Set(this.#ghosts);
    const { pushed, popped } = this.#during = { pushed: [] as T[], popped: new Set<T>() };
    try {
      const a: T[] = [];
      for (let i = 0; i < copy.length; i++) {
        const item = copy[i]!;
        if (!popped.has(item) && !old?.has(item) && keep(item)) a.push(item);
        if (i % STEP_ITEMS === STEP_ITEMS - 1) yield;
      }
      for (let i = (a.length >> 1) - 1, n = 0; i >= 0; i--) {
        siftDown(a, i, a[i]!);
        if (++n % STEP_ITEMS === 0) yield;
      }
      for (const item of pushed) if (!popped.has(item) && keep(item)) siftUp(a, item);
      this.#items = a;
      // Popped after the filter passed them: in `a`, to be dropped when they come to the top.
      this.#ghosts = popped.size > 0 ? popped : undefined;
    } finally {
      this.#during = undefined;
    }
  }

  clear(): void {
    this.#items = [];
    this.#ghosts = undefined;
  }

  /** Takes the ghosts on top off; the set goes once empty (or at the next retain or clear). */
  #dropGhosts(): void {
    const ghosts = this.#ghosts!;
    while (this.#items.length > 0 && ghosts.has(this.#items[0]!)) ghosts.delete(this.#take()!);
    if (ghosts.size === 0) this.#ghosts = undefined;
  }

  #take(): T | undefined {
    const a = this.#items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) siftDown(a, 0, last);
    return top;
  }
}

/** Places `item` at the end of `a` and moves it up to its place. */
function siftUp<T extends Timed>(a: T[], item: T): void {
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
