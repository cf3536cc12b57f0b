/**
 * @module Regroups a batch read from segments that were never compacted before it is sent: such a
 * record holds one sample per `TimeSeries` (its labels repeated for every sample), which the
 * receiver parses at about twice the cost per sample of the same samples grouped by series. The
 * batch's records are decoded, their samples grouped by series with the compaction grouper
 * (compact_group.ts: each label set once, its samples in timestamp order, bytes copied as stored),
 * and the result compressed again: the same (labels, timestamp, value) samples in fewer bytes.
 * A batch read from compacted segments is already grouped and goes as it is, as does one whose
 * bytes the grouper does not take (the receiver judges those).
 */
import { SeriesGrouper } from "../wal/compact_group.ts";
import { snappyCompress, snappyUncompress } from "../wal/snappy.ts";
import type { Batch } from "./batcher.ts";
import { concatSnappyBlocks } from "./snappy_concat.ts";

/** Regroups uncompacted batches, reusing one grouper's buffers from batch to batch. */
export interface Regrouper {
  /** The batch with its samples grouped by series, or the batch itself when that is not done. */
  regroup(batch: Batch): Batch;
}

/** A regrouper; `minSamples`: batches with fewer samples go as they are (2 by default). */
export function createRegrouper(options: { minSamples?: number } = {}): Regrouper {
  const minSamples = options.minSamples ?? 2;
  let grouper = new SeriesGrouper();
  return {
    regroup(batch) {
      if (batch.compacted || batch.samples < minSamples) return batch;
      let raw: Uint8Array;
      try {
        raw = snappyUncompress(batch.body);
        grouper.add(raw);
      } catch {
        grouper = new SeriesGrouper(); // half-added state: start again with a fresh one
        return batch;
      }
      // Grouped bytes never exceed the ungrouped ones (labels written once, samples as they
      // were), so this yields one record; should it yield more, they are joined.
      const parts: Uint8Array[] = [];
      for (const r of grouper.drain(raw.length + 64, { views: true })) {
        parts.push(snappyCompress(r.body));
      }
      if (parts.length === 0) return batch;
      return { ...batch, body: concatSnappyBlocks(parts), compacted: false };
    },
  };
}
