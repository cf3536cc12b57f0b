/**
 * @module Reads WAL records from an offset: the records of one segment up to a byte budget, each
 * checked against its checksum (a record gone bad on disk is skipped and reported, the next one
 * read), waiting out a compaction swap of the segment and looking again when a segment was
 * deleted meanwhile.
 */
import { joinPath as join } from "../base/paths.ts";
import { checkFrame, framePayload } from "./frame.ts";
import { segmentName } from "./recover.ts";
import type { WalEntry } from "./types.ts";
import type { IndexedSegment, WalIndex } from "./wal_index.ts";

/** What reading needs from the WAL. */
export interface SegmentReadHost {
  dir: string;
  index: WalIndex;
  /** A pending compaction swap of `seg`, to wait for before reading it. */
  swapOf(seg: IndexedSegment): Promise<void> | undefined;
  /** Called before the file is read with the end of what will be handed out. */
  reading(nextOffset: number): void;
  /** A record at `offset` of `bytes` holding `samples` (per the index) failed its checksum. */
  corrupt(offset: number, bytes: number, samples: number): void;
}

/** Records from `offset` on: at least one when there is one, then up to `maxBytes` of payload. */
export async function readSegmentRecords(
  host: SegmentReadHost,
  offset: number,
  maxBytes: number,
): Promise<WalEntry[]> {
  const { index } = host;
  let from = offset;
  for (let attempt = 0; attempt < 1000; attempt++) {
    const ref = index.find(from);
    if (!ref) return [];
    const seg = index.segments[ref.seg]!;
    const swap = host.swapOf(seg);
    if (swap) {
      await swap; // compaction is replacing this segment: look again in the new layout
      continue;
    }
    let end = ref.rec;
    let payload = 0;
    while (end < seg.offsets.length && (end === ref.rec || payload < maxBytes)) {
      payload += seg.sizes[end]!;
      end++;
    }
    // Before any await: from now on compaction leaves this segment alone.
    host.reading(index.nextOffset(ref.seg, end - 1));
    const first = seg.offsets[ref.rec]!;
    const last = seg.offsets[end - 1]! + seg.sizes[end - 1]!;
    let buf: Uint8Array;
    try {
      buf = await readRange(
        join(host.dir, segmentName(seg.start)),
        first - seg.start,
        last - first,
      );
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) continue; // deleted meanwhile: look again
      throw e;
    }
    const out: WalEntry[] = [];
    for (let r = ref.rec; r < end; r++) {
      const at = seg.offsets[r]! - first;
      const c = checkFrame(buf, at, buf.length);
      if (c.kind !== "ok" || c.size !== seg.sizes[r]) {
        host.corrupt(seg.offsets[r]!, seg.sizes[r]!, seg.samples[r]!);
        continue;
      }
      out.push({
        offset: seg.offsets[r]!,
        nextOffset: r === seg.offsets.length - 1 && seg.end !== undefined
          ? seg.end
          : seg.offsets[r]! + c.size,
        compressed: framePayload(buf, at, c.size),
        samples: c.samples,
        compacted: seg.end !== undefined,
        ...(c.lane === undefined ? {} : { lane: c.lane }),
      });
    }
    if (out.length > 0) return out;
    from = last;
  }
  return [];
}

/** Reads `length` bytes at `position` of the file at `path`. */
async function readRange(path: string, position: number, length: number): Promise<Uint8Array> {
  using file = await Deno.open(path, { read: true });
  await file.seek(position, Deno.SeekMode.Start);
  const buf = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const n = await file.read(buf.subarray(got));
    if (n === null) break;
    got += n;
  }
  return got === length ? buf : buf.subarray(0, got);
}
