/**
 * @module Reads WAL entries ahead of the push position and joins them into request-sized batches.
 * Records written by lanes (wal/lanes.ts) are taken a range at a time: one batch per lane of the
 * range, so batches of different lanes share no series and can be in flight side by side.
 */
import type { Wal, WalEntry } from "../wal/types.ts";
import { concatSnappyBlocks, readSnappyHeader } from "./snappy_concat.ts";

/** One remote-write request's worth of WAL records. */
export interface Batch {
  /** Snappy-compressed `WriteRequest`: the records' payloads joined. */
  body: Uint8Array;
  samples: number;
  records: number;
  /** Offset of the first record (of a lane batch: of its range's first record). */
  offset: number;
  /**
   * Commit this once the batch is acknowledged (or dropped); of a lane batch, where its range
   * ends, committed only with the range's last batch (see `partial`).
   */
  nextOffset: number;
  /** Every record is from a compacted segment (grouped by series; see WalEntry). */
  compacted?: boolean;
  /** Sent before a restart already and maybe acknowledged then (BatchLimits.stops). */
  resend?: boolean;
  /** Every record is of this lane: the batch shares no series with one of another lane. */
  lane?: number;
  /**
   * A lane batch that is not its range's last: acknowledging it commits nothing (the range's
   * other lanes may not be acknowledged yet); the last one, handed out after it, commits the
   * whole range.
   */
  partial?: boolean;
}

/** Limits of one batch (`push.batch`); a single record larger than them goes alone. */
export interface BatchLimits {
  maxSamples: number;
  /** Bound on the uncompressed `WriteRequest` size. */
  maxBytes: number;
  /**
   * Offsets no batch (nor lane range) runs across, ascending (`Wal.resendStops`): the ends of
   * the batches sent before a restart, so that each is sent again as it was, never joined with
   * newer records.
   */
  stops?: readonly number[];
}

/** Hands out consecutive batches from a WAL offset; `next()` never waits for new data. */
export interface Batcher {
  /** Where the next batch (or lane range) starts. */
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

/** A lane's share of a range being gathered. */
interface LanePart {
  entries: WalEntry[];
  samples: number;
  bytes: number;
}

/** A batcher reading `wal` from `offset`. */
export function createBatcher(wal: Wal, offset: number, limits: BatchLimits): Batcher {
  let cursor = offset;
  let ahead: WalEntry[] = [];
  const stops = limits.stops ?? [];
  let stop = 0; // the first stop past the cursor
  /** Lane batches of the range read last, not handed out yet. */
  let ready: Batch[] = [];

  /** The entry at `from` onwards, reading more when none is ahead; undefined at the end. */
  async function peek(from: number): Promise<WalEntry | undefined> {
    if (ahead.length === 0) ahead = await wal.read(from, { maxBytes: limits.maxBytes });
    return ahead[0];
  }

  /** A batch of consecutive records from the cursor, none of a lane. */
  async function plain(until: number): Promise<Batch | undefined> {
    const picked: WalEntry[] = [];
    let samples = 0;
    let bytes = 0;
    while (true) {
      const e = await peek(picked.length ? picked[picked.length - 1]!.nextOffset : cursor);
      if (!e) break;
      const len = uncompressedLength(e);
      if (
        picked.length > 0 &&
        (samples + e.samples > limits.maxSamples || bytes + len > limits.maxBytes ||
          e.offset >= until || e.lane !== undefined)
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
  }

  /**
   * The batches of one range of lane records from the cursor: it ends before a record without a
   * lane, at a stop, or before a record its lane's batch has no room for; one batch per lane
   * (one batch of them all, without a lane, when the whole range fits in one).
   */
  async function laneRange(until: number): Promise<Batch[]> {
    const start = cursor;
    const parts = new Map<number, LanePart>();
    let end = cursor;
    let first = cursor; // the first record's offset (past damage skipped at the cursor)
    while (true) {
      const e = await peek(end);
      if (!e || e.lane === undefined || (end > start && e.offset >= until)) break;
      const len = uncompressedLength(e);
      const part = parts.get(e.lane);
      if (
        part && (part.samples + e.samples > limits.maxSamples || part.bytes + len > limits.maxBytes)
      ) break;
      if (part) {
        part.entries.push(e);
        part.samples += e.samples;
        part.bytes += len;
      } else parts.set(e.lane, { entries: [e], samples: e.samples, bytes: len });
      ahead.shift();
      if (end === start) first = e.offset;
      end = e.nextOffset;
    }
    if (end === start) return [];
    cursor = end;
    const resend = end <= until && until !== Infinity;
    const lanes = [...parts.keys()].sort((a, b) => a - b);
    let samples = 0;
    let bytes = 0;
    for (const part of parts.values()) {
      samples += part.samples;
      bytes += part.bytes;
    }
    if (!resend && lanes.length > 1 && samples <= limits.maxSamples && bytes <= limits.maxBytes) {
      // The whole range fits one request (the live tail: a tick or a few): one batch of every
      // lane, as before lanes, not a request per lane. Never a range sent before a restart: it
      // may have gone by lane (other limits then), and one lane acknowledged joined with one not
      // would be refused whole; by lane, each batch is all of one it went in, or none.
      const entries = lanes.flatMap((lane) => parts.get(lane)!.entries);
      return [{
        body: concatSnappyBlocks(entries.map((e) => e.compressed)),
        samples,
        records: entries.length,
        offset: first,
        nextOffset: end,
        ...(resend ? { resend: true } : {}),
      }];
    }
    return lanes.map((lane, i) => {
      const part = parts.get(lane)!;
      return {
        body: concatSnappyBlocks(part.entries.map((e) => e.compressed)),
        samples: part.samples,
        records: part.entries.length,
        offset: first,
        nextOffset: end,
        lane,
        ...(i < lanes.length - 1 ? { partial: true } : {}),
        ...(resend ? { resend: true } : {}),
      };
    });
  }

  return {
    get cursor() {
      return cursor;
    },
    async next() {
      if (ready.length > 0) return ready.shift();
      while (stop < stops.length && stops[stop]! <= cursor) stop++;
      const until = stop < stops.length ? stops[stop]! : Infinity;
      const first = await peek(cursor);
      if (!first) return undefined;
      if (first.lane === undefined || first.compacted) return await plain(until);
      ready = await laneRange(until);
      return ready.shift();
    },
  };
}
