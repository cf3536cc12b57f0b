/**
 * @module Rewrites one sealed WAL segment with its samples grouped by series (compact_group.ts):
 * a record of ~1 s of results holds one sample per series, so its label sets cost more than its
 * values; grouped, each label set is stored once per record with hundreds of samples.
 *
 * The new file starts with a compaction marker (frame.ts, type 2) holding the segment's logical
 * end offset, then the grouped records. It is written under a temporary name and fsynced; the
 * caller renames it over the segment (wal.ts), so a crash leaves either the old or the new file,
 * and both are complete. Work is cut in slices with `pause()` between them, so the event loop
 * (the scheduler) is never held for long.
 */
import { SeriesGrouper } from "./compact_group.ts";
import {
  checkFrame,
  encodeCompactedMarker,
  encodeFrame,
  framePayload,
  MAX_PAYLOAD,
} from "./frame.ts";
import { snappyCompress } from "./snappy.ts";
import { snappyLength, snappyUncompressInto } from "./snappy_into.ts";

/** The segment to rewrite, as the index knows it. Offsets are global. */
export interface CompactSource {
  path: string;
  /** Where the rewritten file is written before the caller renames it over `path`. */
  tmpPath: string;
  start: number;
  /** Bytes of the segment file that belong to the log. */
  size: number;
  /** The segment's logical end: the next segment's start. */
  end: number;
  offsets: readonly number[];
  sizes: readonly number[];
  samples: readonly number[];
}

/** The rewritten segment, ready to be renamed over the old one. Offsets are global. */
export interface CompactResult {
  size: number;
  offsets: number[];
  sizes: number[];
  samples: number[];
  totalSamples: number;
}

/** How to compact. */
export interface CompactOptions {
  /** Largest uncompressed `WriteRequest` per new record. */
  maxRecordBytes: number;
  /** Samples grouped at a time (bounds memory: ~20 bytes each beside their bytes). */
  windowSamples: number;
  /**
   * Bytes of label sets and samples grouped at a time (the grouper's pool): a window ends before
   * a record that could take it past this (a record alone may). Bounds memory with many series.
   */
  windowBytes: number;
  /** Fsync the new file before returning it. */
  sync: boolean;
  /** Awaited between slices of work. */
  pause: () => Promise<void>;
  /** Checked between slices: true abandons the work (the temporary file is removed). */
  cancelled: () => boolean;
}

/**
 * Largest uncompressed new record: encoding and compressing one is a slice of work (~2-3 ms), and
 * snappy compresses in 64 KiB blocks anyway, so bigger records would not be smaller on disk.
 */
const SLICE_RECORD_BYTES = 256 * 1024;
/** Bytes of the old segment read at a time. */
const READ_CHUNK = 4 * 1024 * 1024;

/**
 * Writes the compacted form of `src` to `src.tmpPath`. Returns null (and removes the temporary
 * file) when cancelled or when it would not be smaller; throws (same cleanup) on I/O errors or a
 * record that does not check out or decode, since compaction must never drop a sample.
 */
export async function writeCompactedSegment(
  src: CompactSource,
  options: CompactOptions,
): Promise<CompactResult | null> {
  const out = await Deno.open(src.tmpPath, { write: true, create: true, truncate: true });
  let done = false;
  try {
    const result = await rewrite(src, options, out);
    if (result && options.sync) await out.sync();
    done = result !== null;
    return result;
  } finally {
    out.close();
    if (!done) await Deno.remove(src.tmpPath).catch(() => {});
  }
}

async function rewrite(
  src: CompactSource,
  options: CompactOptions,
  out: Deno.FsFile,
): Promise<CompactResult | null> {
  // Only a wholly valid segment is rewritten: damaged bytes stay on disk for a human to look at.
  let at = src.start;
  for (let k = 0; k < src.offsets.length; k++) {
    if (src.offsets[k] !== at) return null;
    at += src.sizes[k]!;
  }
  if (src.offsets.length === 0 || at !== src.start + src.size || src.end !== at) return null;
  const result: CompactResult = { size: 0, offsets: [], sizes: [], samples: [], totalSamples: 0 };
  const write = async (bytes: Uint8Array) => {
    let n = 0;
    while (n < bytes.length) n += await out.write(bytes.subarray(n));
    result.size += bytes.length;
  };
  await write(encodeCompactedMarker(src.end));
  const grouper = new SeriesGrouper();
  /** Bytes of the old records grouped so far: the windows written must come out smaller. */
  let consumed = 0;
  const emit = async () => {
    const maxBytes = Math.min(options.maxRecordBytes, SLICE_RECORD_BYTES);
    for (const r of grouper.drain(maxBytes, { views: true })) {
      // One record per slice: encoding and compressing it is the longest step.
      const frame = encodeFrame(snappyCompress(r.body), r.samples);
      result.offsets.push(src.start + result.size);
      result.sizes.push(frame.length);
      result.samples.push(r.samples);
      result.totalSamples += r.samples;
      await write(frame);
      if (result.size >= src.size) return false; // no gain: keep the old segment
      await options.pause();
      if (options.cancelled()) return false;
    }
    // Windows that do not shrink (every series once, labels that barely compress): the rest of
    // the segment is most likely alike, and rewriting it would be wasted work. Give up now.
    return result.size < consumed;
  };

  let expected = 0;
  // One buffer for the bytes read and one for a decoded record, reused: fresh ones for each
  // would wait as garbage for the next full collection, tens of MB per segment.
  const buffers = { read: new Uint8Array(0), decoded: new Uint8Array(0) };
  using file = await Deno.open(src.path, { read: true });
  for (let i = 0; i < src.offsets.length;) {
    // A run of consecutive records of at most READ_CHUNK bytes (at least one).
    let j = i;
    while (
      j < src.offsets.length &&
      (j === i || src.offsets[j]! + src.sizes[j]! - src.offsets[i]! <= READ_CHUNK)
    ) j++;
    const first = src.offsets[i]!;
    const length = src.offsets[j - 1]! + src.sizes[j - 1]! - first;
    if (buffers.read.length < length) buffers.read = new Uint8Array(Math.max(length, READ_CHUNK));
    const buf = buffers.read.subarray(0, length);
    await readAt(file, first - src.start, buf);
    for (let r = i; r < j; r++) {
      const at = src.offsets[r]! - first;
      const c = checkFrame(buf, at, buf.length);
      if (c.kind !== "ok" || c.size !== src.sizes[r] || c.samples !== src.samples[r]) {
        throw new Error(`record at offset ${src.offsets[r]} no longer checks out`);
      }
      const payload = framePayload(buf, at, c.size);
      const size = snappyLength(payload);
      if (size > MAX_PAYLOAD) throw new Error(`record at offset ${src.offsets[r]} too large`);
      if (buffers.decoded.length < size) buffers.decoded = new Uint8Array(size + (size >> 2));
      const body = buffers.decoded.subarray(0, snappyUncompressInto(payload, buffers.decoded));
      // add() copies at most the body's bytes: end the window first if they might not fit.
      if (grouper.samples > 0 && grouper.poolBytes + body.length > options.windowBytes) {
        if (!(await emit())) return null;
      }
      const n = grouper.add(body);
      if (n !== c.samples) {
        throw new Error(`record at offset ${src.offsets[r]} holds ${n} samples, says ${c.samples}`);
      }
      expected += n;
      consumed += c.size;
      if (grouper.samples >= options.windowSamples && !(await emit())) return null;
      await options.pause();
      if (options.cancelled()) return null;
    }
    i = j;
  }
  if (!(await emit())) return null;
  if (result.totalSamples !== expected) {
    throw new Error(`compaction wrote ${result.totalSamples} of ${expected} samples`);
  }
  return result;
}

/** Fills `buf` with the bytes at `position` of `file`. */
async function readAt(file: Deno.FsFile, position: number, buf: Uint8Array): Promise<void> {
  await file.seek(position, Deno.SeekMode.Start);
  let got = 0;
  while (got < buf.length) {
    const n = await file.read(buf.subarray(got));
    if (n === null) throw new Error(`segment ends ${buf.length - got} bytes early`);
    got += n;
  }
}
