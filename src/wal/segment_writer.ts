/**
 * @module Appends ready frames to the WAL's segment files: one write per group of frames that fits
 * the active segment, a new segment (file created, directory synced) when the next frame would
 * not, fsync unless `fsync: never`, and a failed write cut back to the last whole frame. Each
 * written frame enters the index. The WAL (wal.ts) decides when to write and what a failure means.
 */
import { joinPath as join } from "../base/paths.ts";
import type { ReadyFrame } from "./batch.ts";
import { fsyncDir } from "./position.ts";
import { segmentName } from "./recover.ts";
import type { IndexedSegment, WalIndex } from "./wal_index.ts";

/** What the writer needs from its WAL. */
export interface SegmentWriterOptions {
  dir: string;
  segmentSize: number;
  /** fsync data and new directory entries (false with `fsync: never`). */
  sync: boolean;
  index: WalIndex;
  /** Told about every new segment (the one before it is now sealed). */
  onNewSegment(): void;
}

/** The writer of the WAL's last (active) segment. */
export class SegmentWriter {
  #opts: SegmentWriterOptions;
  #active: Deno.FsFile | null = null;

  constructor(options: SegmentWriterOptions) {
    this.#opts = options;
  }

  /** Opens the last segment for appending (if there is one that is not compacted). */
  async openLast(): Promise<void> {
    const last = this.#opts.index.segments.at(-1);
    // A compacted segment is never appended to: the next write starts a segment at its end.
    if (!last || last.end !== undefined) return;
    this.#active = await Deno.open(this.#path(last.start), { write: true, append: true });
  }

  /**
   * Writes `frames` from the front, removing each group from the array once it is on disk (and
   * synced), so a failure leaves exactly the unwritten frames. `startOffset` is where a first
   * segment starts when there is none. Returns after every frame is written; throws on the first
   * failed write, after cutting the segment back to its last whole frame.
   */
  async write(frames: ReadyFrame[], startOffset: number, written: (n: number) => void) {
    const { index, segmentSize, sync } = this.#opts;
    while (frames.length > 0) {
      let seg = index.segments.at(-1);
      if (!seg || !this.#active) {
        seg = await this.#newSegment(index.endOffset(startOffset));
      } else if (seg.size > 0 && seg.size + frames[0]!.bytes.length > segmentSize) {
        if (sync) await this.#active.syncData();
        this.#active.close();
        this.#active = null;
        seg = await this.#newSegment(seg.start + seg.size);
      }
      let n = 0;
      let bytes = 0;
      while (
        n < frames.length &&
        (n === 0 || seg.size + bytes + frames[n]!.bytes.length <= segmentSize)
      ) bytes += frames[n++]!.bytes.length;
      const buf = new Uint8Array(bytes);
      let at = 0;
      for (let k = 0; k < n; k++) {
        buf.set(frames[k]!.bytes, at);
        at += frames[k]!.bytes.length;
      }
      const file = this.#active!;
      try {
        let done = 0;
        while (done < buf.length) done += await file.write(buf.subarray(done));
        if (sync) await file.syncData();
      } catch (e) {
        await file.truncate(seg.size).catch(() => {});
        throw e;
      }
      let offset = seg.start + seg.size;
      for (const f of frames.splice(0, n)) {
        index.add(offset, f.bytes.length, f.samples);
        offset += f.bytes.length;
      }
      written(n);
    }
  }

  /** Closes the active segment, syncing it first when `sync`. */
  async close(sync: boolean): Promise<void> {
    if (this.#active && sync) await this.#active.syncData().catch(() => {});
    this.#active?.close();
    this.#active = null;
  }

  async #newSegment(start: number): Promise<IndexedSegment> {
    const path = this.#path(start);
    this.#active = await Deno.open(path, { write: true, create: true, append: true });
    await this.#active.truncate(0);
    if (this.#opts.sync) await fsyncDir(this.#opts.dir);
    const seg = { start, size: 0, offsets: [], sizes: [], samples: [], totalSamples: 0 };
    this.#opts.index.segments.push(seg);
    this.#opts.onNewSegment();
    return seg;
  }

  #path(start: number): string {
    return join(this.#opts.dir, segmentName(start));
  }
}
