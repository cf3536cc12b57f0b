/** @module Reads WAL entries ahead of the push position and joins them into request-sized batches. */
import type { Wal, WalEntry } from "../wal/types.ts";
import { concatSnappyBlocks, readSnappyHeader } from "./snappy_concat.ts";

/** One remote-write request's worth of WAL records. */
export interface Batch {
  /** Snappy-compressed `WriteRequest`: the records' payloads joined. */
  body: Uint8Array;
  samples: number;
  records: number;
  /** Offset of the first record. */
  offset: number;
  /** Commit this once the batch is acknowledged (or dropped). */
  nextOffset: number;
  /** Every record is from a compacted segment (grouped by series; see WalEntry). */
  compacted?: boolean;
  /** Sent before a restart already and maybe acknowledged then (BatchLimits.stops). */
  resend?: boolean;
}

/** Limits of one batch (`push.batch`); a single record larger than them goes alone. */
export interface BatchLimits {
  maxSamples: number;
  /** Bound on the uncompressed `WriteRequest` size. */
  maxBytes: number;
  /**
   * Offsets no batch runs across, ascending (`Wal.resendStops`): the ends of the batches sent
   * before a restart, so that each is sent again as it was, never joined with newer records.
   */
  stops?: readonly number[];
}

/** Hands out consecutive batches from a WAL offset; `next()` never waits for new data. */
export interface Batcher {
  /** Where the next batch starts. */
  readonly cursor: number;
  next(): Promise<Batch | undefined>;
}

function uncompressedLength(e: WalEntry): number {
  try {
    return readSnappyHeader(e.compressed).uncompressedLength;
  } catch {
    return e.compressed.length;
  }
}

/** A batcher reading `wal` from `offset`. */
export function createBatcher(wal: Wal, offset: number, limits: BatchLimits): Batcher {
  let cursor = offset;
  let ahead: WalEntry[] = [];
  const stops = limits.stops ?? [];
  let stop = 0; // the first stop past the cursor
  return {
    get cursor() {
      return cursor;
    },
    async next() {
      const picked: WalEntry[] = [];
      let samples = 0;
      let bytes = 0;
      while (stop < stops.length && stops[stop]! <= cursor) stop++;
      const until = stop < stops.length ? stops[stop]! : Infinity;
      while (true) {
        if (ahead.length === 0) {
          const readFrom = picked.length ? picked[picked.length - 1]!.nextOffset : cursor;
          ahead = await wal.read(readFrom, { maxBytes: limits.maxBytes });
          if (ahead.length === 0) break;
        }
        const e = ahead[0]!;
        const len = uncompressedLength(e);
        if (
          picked.length > 0 &&
          (samples + e.samples > limits.maxSamples || bytes + len > limits.maxBytes ||
            e.offset >= until)
        ) break;
        picked.push(e);
        ahead.shift();
        samples += e.samples;
        bytes += len;
      }
      if (picked.length === 0) return undefined;
      const last = picked[picked.length - 1]!;
      cursor = last.nextOffset;
      return {
        body: concatSnappyBlocks(picked.map((e) => e.compressed)),
        samples,
        records: picked.length,
        offset: picked[0]!.offset,
        nextOffset: last.nextOffset,
        compacted: picked.every((e) => e.compacted === true),
        ...(last.nextOffset <= until && until !== Infinity ? { resend: true } : {}),
      };
    },
  };
}
