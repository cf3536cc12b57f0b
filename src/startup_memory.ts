/**
 * @module Hands start-up's garbage back to the OS, once, before the agent says it is ready.
 * Loading the bundle and the config leaves ~5 MB of dead objects in V8's old generation that no
 * collection reclaims while the agent idles (young-generation scavenges never touch it, and V8's
 * memory reducer only starts after a full collection): one last-resort major collection (V8
 * compacts the old generation, shrinks the young one, frees its pooled pages) then `malloc_trim(0)`.
 * The collection needs V8's `--expose-gc` (in `scripts/deno_flags`); without it only the trim runs.
 */
import { trimMallocHeap, type TrimResult } from "./malloc_trim.ts";

/** V8's `gc()` as `--expose-gc` installs it (the options form). */
export type ExposedGc = (
  options: { type: "major"; execution: "sync"; flavor: "last-resort" },
) => void;

/** What {@linkcode releaseStartupMemory} did. */
export interface ReleaseResult {
  /** Whether the major collection ran (false without `--expose-gc`). */
  collected: boolean;
  trim: TrimResult;
  /** V8's used heap before and after, in bytes. */
  heapBefore: number;
  heapAfter: number;
}

/** The `gc` that `--expose-gc` put on the global object, if any. */
export function exposedGc(): ExposedGc | undefined {
  const gc = (globalThis as { gc?: unknown }).gc;
  return typeof gc === "function" ? gc as ExposedGc : undefined;
}

/** One last-resort major collection when `gc` is given, then the malloc trim; the heap around it. */
export function releaseStartupMemory(
  gc: ExposedGc | undefined = exposedGc(),
  effects: { trim?: () => TrimResult; heapUsed?: () => number } = {},
): ReleaseResult {
  const heapUsed = effects.heapUsed ?? (() => Deno.memoryUsage().heapUsed);
  const heapBefore = heapUsed();
  gc?.({ type: "major", execution: "sync", flavor: "last-resort" });
  const heapAfter = heapUsed();
  const trim = (effects.trim ?? trimMallocHeap)();
  return { collected: gc !== undefined, trim, heapBefore, heapAfter };
}
