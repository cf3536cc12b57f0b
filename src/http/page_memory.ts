/**
 * @module What a `/metrics` page leaves behind, handed back to the OS once its last reader has
 * left. A page of 10,000 ICMP targets is ~68 MB of text in ~2,700 pieces of ~25 KB, each a
 * `Uint8Array` whose bytes are malloc'ed; they are freed only when V8 collects the arrays, and
 * malloc keeps what is freed. So: one young-generation collection (the pieces still held by
 * young arrays die; needs `--expose-gc`, ~1 ms), then `malloc_trim(0)`.
 */
import { type ExposedGc, exposedGc } from "../startup_memory.ts";
import { trimMallocHeap, type TrimResult } from "../malloc_trim.ts";

/** Runs the collection (when `gc` is there) and then the trim; returns the trim's result. */
export function releasePageMemory(
  gc: ExposedGc | undefined = exposedGc(),
  trim: () => TrimResult = trimMallocHeap,
): TrimResult {
  gc?.({ type: "minor", execution: "sync" });
  return trim();
}
