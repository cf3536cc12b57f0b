/**
 * @module The deadlines of many pending connects on one timer: one FIFO per timeout value (the
 * connects of one timeout expire in the order they started, so each FIFO is sorted by itself),
 * one `setTimeout` armed at the earliest live head. Ended connects stay queued, marked `done`,
 * until they reach a head: adding and ending costs no search. At 10,000 connects/s that answer
 * within a millisecond, the timer fires about once per timeout, not once per connect.
 */

/** What the queue needs of an entry. */
export interface DeadlineEntry {
  /** `performance.now()` at which it times out. */
  readonly deadline: number;
  /** True once it ended some other way. */
  readonly done: boolean;
}

interface Fifo<T> {
  items: T[];
  head: number;
}

/** Drops the consumed front of a FIFO once it is most of the array. */
function compact<T>(fifo: Fifo<T>): void {
  if (fifo.head > 1024 && fifo.head * 2 > fifo.items.length) {
    fifo.items.splice(0, fifo.head);
    fifo.head = 0;
  }
}

/** Timer slack: a timer may fire a little early; entries this close to due expire with it. */
const SLACK_MS = 1;

/** Expires entries at their deadline by calling `expire(entry, now)`. */
export class ConnectDeadlines<T extends DeadlineEntry> {
  readonly #fifos = new Map<number, Fifo<T>>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Infinity;

  constructor(private readonly expire: (entry: T, now: number) => void) {}

  /** Queues `entry`, due `timeoutMs` after it started (`entry.deadline`). */
  add(entry: T, timeoutMs: number): void {
    // One FIFO per whole ms: callers pass what is left of a timeout (a float, new per probe),
    // and a FIFO each would make every timer scan thousands. Within one, a later entry may be
    // due up to 1 ms before the one ahead of it: it expires with it, late by < 1 ms, never early.
    const key = Math.ceil(timeoutMs);
    let fifo = this.#fifos.get(key);
    if (!fifo) this.#fifos.set(key, fifo = { items: [], head: 0 });
    // Ended entries at the head go now: a far timeout (a caller's socket ended by its own
    // signal) may never reach its timer, and a live entry elsewhere stops `clear()`.
    const { items } = fifo;
    while (fifo.head < items.length && items[fifo.head]!.done) {
      items[fifo.head++] = undefined as unknown as T;
    }
    compact(fifo);
    items.push(entry);
    if (entry.deadline < this.#timerAt) this.#arm(entry.deadline);
  }

  /** FIFOs held: one per timeout, in whole ms. */
  get queues(): number {
    return this.#fifos.size;
  }

  /** Entries held, ended ones not yet dropped included (what the queue costs in memory). */
  get held(): number {
    let n = 0;
    for (const fifo of this.#fifos.values()) n += fifo.items.length - fifo.head;
    return n;
  }

  /** Forgets every entry and stops the timer (nothing is pending any more). */
  clear(): void {
    this.#fifos.clear();
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
  }

  #arm(at: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(this.#fire, Math.max(0, at - performance.now()));
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    const now = performance.now();
    let next = Infinity;
    for (const [timeoutMs, fifo] of this.#fifos) {
      const { items } = fifo;
      while (fifo.head < items.length) {
        const e = items[fifo.head]!;
        if (!e.done && e.deadline > now + SLACK_MS) break;
        items[fifo.head++] = undefined as unknown as T;
        if (!e.done) this.expire(e, now);
      }
      if (fifo.head >= items.length) {
        this.#fifos.delete(timeoutMs);
        continue;
      }
      compact(fifo);
      next = Math.min(next, items[fifo.head]!.deadline);
    }
    if (next < Infinity && next < this.#timerAt) this.#arm(next);
  };
}
