/**
 * @module Whether a batch may go out beside the requests in flight: never when it shares a series
 * with one of them (the receiver could apply them in either order, and Prometheus refuses a
 * sample older than the newest it holds for that series). Series keys are worked out only when a
 * second request could go out beside a first; after a run of conflicts (a backlog that was never
 * compacted: every batch holds most series) the next batches are taken as conflicting without
 * decoding them, which is always safe and saves the CPU; then checking resumes, and if the first
 * batch checked conflicts again, the next skip is twice as long (up to MAX_SKIP). A batch read
 * from a compacted segment, where concurrency pays, is always checked.
 */
import type { Batch } from "./batcher.ts";
import { seriesKeys, sharesSeries } from "./series_keys.ts";

/** After this many batches in a row that shared a series with one in flight… */
export const CONFLICT_RUN = 8;
/** …this many are held back without comparing their series… */
export const SKIP_CHECKS = 64;
/** …doubling while the batch checked after a skip conflicts again, up to this many. */
export const MAX_SKIP = 1024;

/** A batch read from the WAL, with its series keys once worked out. */
export interface GatedBatch {
  batch: Batch;
  keys?: Set<number> | null;
}

/** Decides, batch by batch, whether the next may join the requests in flight. */
export interface OrderGate {
  /** True when `next` must wait for `inFlight` (non-empty) to drain. */
  conflicts(inFlight: readonly GatedBatch[], next: GatedBatch): boolean;
}

/** A gate; `keysOf` decodes a batch's series keys (series_keys.ts by default). */
export function createOrderGate(
  keysOf: (body: Uint8Array) => Set<number> | null = seriesKeys,
): OrderGate {
  const keys = (e: GatedBatch) => e.keys === undefined ? (e.keys = keysOf(e.batch.body)) : e.keys;
  let conflictRun = 0;
  let skipChecks = 0;
  /** The next skip's length; `afterSkip`: the last call ended a skip. */
  let skipLength = SKIP_CHECKS;
  let afterSkip = false;
  return {
    conflicts(inFlight, next) {
      // Lane batches (batcher.ts): of another lane, no series in common; of the same, taken as
      // sharing one (always safe) without decoding anything.
      const lane = next.batch.lane;
      if (lane !== undefined && inFlight.every((w) => w.batch.lane !== undefined)) {
        return inFlight.some((w) => w.batch.lane === lane);
      }
      if (next.batch.compacted) skipChecks = 0;
      if (skipChecks > 0) {
        if (--skipChecks === 0) afterSkip = true;
        return true;
      }
      const conflict = inFlight.some((w) => sharesSeries(keys(w), keys(next)));
      if (!conflict) {
        conflictRun = 0;
        skipLength = SKIP_CHECKS;
      } else if (afterSkip && !next.batch.compacted) {
        skipLength = Math.min(skipLength * 2, MAX_SKIP);
        skipChecks = skipLength;
      } else if (++conflictRun >= CONFLICT_RUN && !next.batch.compacted) {
        conflictRun = 0;
        skipChecks = skipLength;
      }
      afterSkip = false;
      return conflict;
    },
  };
}
