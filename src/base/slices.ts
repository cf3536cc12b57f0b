/**
 * @module Long loops in slices: a loop written as a generator that `yield`s now and then (every
 * few hundred items) runs either at once ({@linkcode runSync}) or in time slices that give the
 * event loop back every {@linkcode SLICE_MS} ({@linkcode runSliced}), so one big input (200,000
 * targets) never holds up the HTTP API, probing or a stop signal.
 */

/** A loop that yields between its pieces of work and returns `T` at the end. */
export type Steps<T> = Generator<void, T, void>;

/**
 * Longest run of work between two turns of the event loop, in ms. A request arriving during a
 * load waits out the slice it came in, plus any collector pause that falls into that slice (a
 * 200,000-target load: mark-compact pauses of 15-30 ms). 10 → 5 ms, five interleaved runs of
 * test/bench/big_load_bench.ts at load 2-5 (medians): the longest `/healthz` gap 95 → 68 ms, the
 * agent's own CPU within it 44 → 31 ms, 40 ms and none over 50 in the quietest run. Each pause
 * costs the load ~2 ms (a 1 ms timer, rounded up): ready after 1.5-2.3 → 1.9-2.9 s.
 */
export const SLICE_MS = 5;

/**
 * How many items a loop handles between two `yield`s (a check of the clock costs ~50 ns): 64
 * items of the heaviest step (a scheduler insert, ~2 µs each) are ~0.1 ms, so a slice ends
 * within a fraction of a ms of {@linkcode SLICE_MS}, not one more 1-2 ms step later.
 */
export const STEP_ITEMS = 64;

/**
 * Runs `steps` to the end without pausing (tests, small inputs, sync callers).
 *
 * @example
 * ```ts
 * import { runSync, type Steps } from "./slices.ts";
 * function* sum(n: number): Steps<number> {
 *   let s = 0;
 *   for (let i = 1; i <= n; i++) { s += i; if (i % 256 === 0) yield; }
 *   return s;
 * }
 * if (runSync(sum(1000)) !== 500500) throw new Error();
 * ```
 */
export function runSync<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Options of {@linkcode runSliced}. */
export interface SliceOptions {
  /** Checked at every pause: an abort ends the loop with the signal's reason. */
  signal?: AbortSignal;
  /** Work per slice in ms. Default {@linkcode SLICE_MS}. */
  budgetMs?: number;
}

/**
 * Gives the event loop one turn. A timer, not a microtask or a message port: only a timer lets
 * pending I/O (HTTP requests, sockets, signals) run before the loop goes on (measured: with a
 * `MessageChannel` pause a local HTTP client got 4 answers in 1.5 s of slices, with a timer 3,133).
 */
export function pause(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Runs `steps` in slices of `budgetMs`, pausing for one event-loop turn between slices, and
 * rejects with `signal.reason` as soon as `signal` aborts (checked before each slice).
 */
export async function runSliced<T>(steps: Steps<T>, options: SliceOptions = {}): Promise<T> {
  const { signal } = options;
  const budget = options.budgetMs ?? SLICE_MS;
  signal?.throwIfAborted();
  let start = performance.now();
  try {
    for (;;) {
      const r = steps.next();
      if (r.done) return r.value;
      if (performance.now() - start < budget) continue;
      await pause();
      signal?.throwIfAborted();
      start = performance.now();
    }
  } finally {
    steps.return(undefined as T);
  }
}

/**
 * Maps `items` through `fn` as steps (a `yield` every {@linkcode STEP_ITEMS}).
 *
 * @example
 * ```ts
 * import { mapSteps, runSync } from "./slices.ts";
 * if (runSync(mapSteps([1, 2], (x) => x * 2)).join() !== "2,4") throw new Error();
 * ```
 */
export function* mapSteps<A, B>(items: readonly A[], fn: (item: A) => B): Steps<B[]> {
  const out: B[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    out[i] = fn(items[i]!);
    if (i % STEP_ITEMS === STEP_ITEMS - 1) yield;
  }
  return out;
}

/** The set of `fn(item)` over `items`, as steps. */
export function* setSteps<A, B>(items: readonly A[], fn: (item: A) => B): Steps<Set<B>> {
  const out = new Set<B>();
  for (let i = 0; i < items.length; i++) {
    out.add(fn(items[i]!));
    if (i % STEP_ITEMS === STEP_ITEMS - 1) yield;
  }
  return out;
}
