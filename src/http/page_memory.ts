/**
 * @module What a `/metrics` page leaves behind, handed back to the OS once its last reader has
 * left. A page of 10,000 ICMP targets is ~68 MB of text in ~2,700 pieces of ~25 KB, each a
 * `Uint8Array` whose bytes are malloc'ed; they are freed only when V8 collects the arrays, and
 * malloc keeps what is freed. So: one young-generation collection (the pieces still held by
 * young arrays die; needs `--expose-gc`, ~1 ms), then `malloc_trim(0)`.
 *
 * A full collection whose marking overlaps a page keeps the page's garbage allocated meanwhile
 * (floating garbage, marked live) and grows the heap: at 10,000 ICMP targets, 1 page in ~6 took
 * the live heap from ~37 to 43–49 MB, with 6–17 MB of freed pages kept pooled: 7–25 MB more RSS
 * for as long as the next collections left it. When RSS, after the young collection and the trim,
 * is {@linkcode REDUCE_GROWTH_BYTES} or more above what it was as the first page started, a
 * last-resort major collection (it compacts, shrinks and frees the pooled pages) and a second trim
 * run: two full collections, ~60–75 ms each at ~50 MB on a shared 2-core machine, so only when
 * the used heap is at most {@linkcode MAX_COLLECT_HEAP_BYTES} (as at start-up).
 */
import { type ExposedGc, exposedGc, MAX_COLLECT_HEAP_BYTES } from "../startup_memory.ts";
import { trimMallocHeap, type TrimResult } from "../malloc_trim.ts";

/** Growth of RSS over the pages that calls for the major collection: 6 MiB. */
export const REDUCE_GROWTH_BYTES = 6 * 2 ** 20;

/** Runs the collection (when `gc` is there) and then the trim; returns the trim's result. */
export function releasePageMemory(
  gc: ExposedGc | undefined = exposedGc(),
  trim: () => TrimResult = trimMallocHeap,
): TrimResult {
  gc?.({ type: "minor", execution: "sync" });
  return trim();
}

/** Effects of {@linkcode createPageMemory} (real ones by default). */
export interface PageMemoryOptions {
  gc?: ExposedGc;
  trim?: () => TrimResult;
  /** The process's RSS in bytes; default `Deno.memoryUsage().rss`. */
  rss?: () => number;
  /** V8's used heap in bytes; default `Deno.memoryUsage().heapUsed`. */
  heapUsed?: () => number;
  /** Default {@linkcode REDUCE_GROWTH_BYTES}. */
  growthBytes?: number;
  /** Default {@linkcode MAX_COLLECT_HEAP_BYTES}. */
  maxHeapBytes?: number;
}

/** Hooks for the snapshot source: a page starts, a page's last reader has left. */
export interface PageMemory {
  pageStarted(): void;
  pageDone(): void;
  /** Major collections run so far. */
  readonly reductions: number;
}

/**
 * Tracks RSS from the first of the pages being read to the last one's end: then the young
 * collection and the trim, and when RSS grew by the limit or more (and the heap is small enough)
 * the major collection and a trim.
 */
export function createPageMemory(options: PageMemoryOptions = {}): PageMemory {
  const gc = "gc" in options ? options.gc : exposedGc();
  const trim = options.trim ?? trimMallocHeap;
  const rss = options.rss ?? (() => Deno.memoryUsage().rss);
  const heapUsed = options.heapUsed ?? (() => Deno.memoryUsage().heapUsed);
  const maxHeap = options.maxHeapBytes ?? MAX_COLLECT_HEAP_BYTES;
  const growth = options.growthBytes ?? REDUCE_GROWTH_BYTES;
  let open = 0;
  let before = 0;
  let reductions = 0;
  return {
    pageStarted() {
      if (open++ === 0) before = rss();
    },
    pageDone() {
      open = Math.max(0, open - 1);
      releasePageMemory(gc, trim);
      if (open === 0 && gc && rss() - before >= growth && heapUsed() <= maxHeap) {
        gc({ type: "major", execution: "sync", flavor: "last-resort" });
        reductions++;
        trim();
      }
    },
    get reductions() {
      return reductions;
    },
  };
}
