/**
 * @module Hands start-up's garbage back to the OS, once, before the agent says it is ready.
 * Loading the bundle and the config leaves ~5 MB of dead objects in V8's old generation that no
 * collection reclaims while the agent idles (young-generation scavenges never touch it, and V8's
 * memory reducer only starts after a full collection): one last-resort major collection (V8
 * compacts the old generation, shrinks the young one, frees its pooled pages) then `malloc_trim(0)`.
 * The collection needs V8's `--expose-gc` (in `scripts/deno_flags`); without it only the trim runs.
 * It is skipped above {@linkcode MAX_COLLECT_HEAP_BYTES}: its cost grows with the live heap
 * (~40 ms of CPU for a 12 MB heap), and a big config's heap is mostly live.
 */
import { trimMallocHeap, type TrimResult } from "./malloc_trim.ts";

/** The used V8 heap above which the start-up collection is skipped: 64 MiB. */
export const MAX_COLLECT_HEAP_BYTES = 64 * 2 ** 20;

/** V8's `gc()` as `--expose-gc` installs it (the options form). */
export type ExposedGc = (
  options:
    | { type: "major"; execution: "sync"; flavor: "last-resort" }
    | { type: "minor"; execution: "sync" },
) => void;

/** What {@linkcode releaseStartupMemory} did. */
export interface ReleaseResult {
  /** Whether the major collection ran (false without `--expose-gc` or above the heap limit). */
  collected: boolean;
  trim: TrimResult;
  /** V8's used heap before and after, in bytes. */
  heapBefore: number;
  heapAfter: number;
  /** How long the collection and the trim took, in ms. */
  ms: number;
}

/** The `gc` that `--expose-gc` put on the global object, if any. */
export function exposedGc(): ExposedGc | undefined {
  const gc = (globalThis as { gc?: unknown }).gc;
  return typeof gc === "function" ? gc as ExposedGc : undefined;
}

/** Effects and limit of {@linkcode releaseStartupMemory} (real ones by default). */
export interface ReleaseOptions {
  trim?: () => TrimResult;
  heapUsed?: () => number;
  /** A monotonic clock in ms; default `performance.now`. */
  now?: () => number;
  /** Default {@linkcode MAX_COLLECT_HEAP_BYTES}. */
  maxHeapBytes?: number;
}

/**
 * One last-resort major collection when `gc` is given and the used heap is at most the limit, then
 * the malloc trim; the used heap before and after.
 */
export function releaseStartupMemory(
  gc: ExposedGc | undefined = exposedGc(),
  options: ReleaseOptions = {},
): ReleaseResult {
  const heapUsed = options.heapUsed ?? (() => Deno.memoryUsage().heapUsed);
  const now = options.now ?? (() => performance.now());
  const t0 = now();
  const heapBefore = heapUsed();
  const collect = gc !== undefined &&
    heapBefore <= (options.maxHeapBytes ?? MAX_COLLECT_HEAP_BYTES);
  if (collect) gc({ type: "major", execution: "sync", flavor: "last-resort" });
  const heapAfter = collect ? heapUsed() : heapBefore;
  const trim = (options.trim ?? trimMallocHeap)();
  return { collected: collect, trim, heapBefore, heapAfter, ms: now() - t0 };
}
