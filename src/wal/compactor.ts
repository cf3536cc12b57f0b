/**
 * @module When and which WAL segments get compacted, and the swap of a rewritten segment into
 * place. The rewriting itself is compact.ts; the WAL (wal.ts) hosts this and serializes the swap
 * with its writes, rotations and drops.
 */
import { joinPath as join } from "../base/paths.ts";
import { logger } from "../log.ts";
import { fsyncDir } from "./position.ts";
import { compactTmpName, segmentName } from "./recover.ts";
import { writeCompactedSegment } from "./compact.ts";
import { type IndexedSegment, segmentEnd } from "./wal_index.ts";

const log = logger("wal");

/** What the compactor needs from the WAL that hosts it. */
export interface CompactorHost {
  dir: string;
  /** fsync the directory after a swap (false with `fsync: never`). */
  sync: boolean;
  maxRecordBytes: number;
  windowSamples: number;
  windowBytes: number;
  /** Awaited between slices of work, so timers and probes run. */
  pause(): Promise<void>;
  closed(): boolean;
  /** The live segment list (the WAL's index). */
  segments(): readonly IndexedSegment[];
  /** Everything before this offset has been handed to a reader: never rewrite it. */
  readHigh(): number;
  /** Runs `fn` after every write, rotation and drop queued so far, and before later ones. */
  serialize(fn: () => Promise<void>): Promise<void>;
}

/** Background compaction of sealed segments nobody has read from yet. */
export class Compactor {
  #host: CompactorHost;
  #enabled: boolean;
  #held: boolean;
  #wanted = false;
  #loop: Promise<void> | null = null;
  /** Segment starts compaction gave up on (no gain, damage, error): not tried again. */
  #skip = new Set<number>();
  /** Segments being renamed over: readers and deletions wait for these. */
  #swapping = new Map<IndexedSegment, Promise<void>>();

  constructor(host: CompactorHost, options: { enabled: boolean; held: boolean }) {
    this.#host = host;
    this.#enabled = options.enabled;
    this.#held = options.held;
  }

  /** Resolves once compaction has nothing left to do (at once when it is idle). */
  idle(): Promise<void> {
    return this.#loop ?? Promise.resolve();
  }

  /** A pending swap of `seg`, if one runs: wait for it before reading or deleting the segment. */
  swapOf(seg: IndexedSegment): Promise<void> | undefined {
    return this.#swapping.get(seg);
  }

  /** Holds compaction back (true) or lets it run (false). */
  hold(held: boolean): void {
    this.#held = held;
    if (!held) this.schedule();
  }

  /** Starts a compaction pass if enabled, not running, and there may be work. */
  schedule(): void {
    if (!this.#enabled || this.#host.closed()) return;
    this.#wanted = true;
    if (!this.#loop) this.#loop = this.#run();
  }

  async #run(): Promise<void> {
    // Let the caller store this promise first: a pass with nothing to do would otherwise clear
    // #loop before the assignment in schedule() sets it, for good.
    await Promise.resolve();
    while (this.#wanted && !this.#host.closed()) {
      this.#wanted = false;
      for (let seg = this.#candidate(); seg; seg = this.#candidate()) {
        await this.#compactOne(seg);
        if (this.#host.closed()) break;
      }
    }
    this.#loop = null; // in the same tick as the last check of #wanted
  }

  /** The oldest sealed, uncompacted segment that no reader has touched yet. */
  #candidate(): IndexedSegment | undefined {
    if (this.#held) return undefined;
    const segs = this.#host.segments();
    for (let i = 0; i < segs.length - 1; i++) {
      const s = segs[i]!;
      if (s.start < this.#host.readHigh() || s.end !== undefined || this.#skip.has(s.start)) {
        continue;
      }
      return s;
    }
    return undefined;
  }

  /** May compaction still replace `seg`? (Not once it is read from, dropped, or the WAL closes.) */
  #compactable(seg: IndexedSegment): boolean {
    const host = this.#host;
    return !host.closed() && seg.start >= host.readHigh() && host.segments().includes(seg);
  }

  async #compactOne(seg: IndexedSegment): Promise<void> {
    const { dir, sync } = this.#host;
    const path = join(dir, segmentName(seg.start));
    const tmpPath = join(dir, compactTmpName(seg.start));
    let result;
    try {
      result = await writeCompactedSegment({
        path,
        tmpPath,
        start: seg.start,
        size: seg.size,
        end: segmentEnd(seg),
        offsets: [...seg.offsets],
        sizes: [...seg.sizes],
        samples: [...seg.samples],
      }, {
        maxRecordBytes: this.#host.maxRecordBytes,
        windowSamples: this.#host.windowSamples,
        windowBytes: this.#host.windowBytes,
        sync,
        pause: () => this.#host.pause(),
        cancelled: () => !this.#compactable(seg),
      });
    } catch (e) {
      this.#skip.add(seg.start);
      if (this.#compactable(seg)) {
        log.warn("Cannot compact the WAL segment {segment}, left as it is: {error}", {
          segment: segmentName(seg.start),
          error: String(e),
        });
      }
      return;
    }
    if (!result) {
      if (this.#compactable(seg)) this.#skip.add(seg.start);
      return;
    }
    const before = seg.size;
    // The swap runs between writes (never beside a rotation or a max_size drop), and readers of
    // this segment wait for it: nobody sees half of the old layout and half of the new one.
    const swap = async () => {
      if (!this.#compactable(seg)) {
        await Deno.remove(tmpPath).catch(() => {});
        return;
      }
      let release!: () => void;
      this.#swapping.set(seg, new Promise<void>((r) => release = r));
      try {
        await Deno.rename(tmpPath, path);
        seg.end = segmentEnd(seg);
        seg.size = result.size;
        seg.offsets = result.offsets;
        seg.sizes = result.sizes;
        seg.samples = result.samples;
        seg.totalSamples = result.totalSamples;
        if (sync) await fsyncDir(dir);
        log.debug("Compacted the WAL segment {segment}: {before} → {after} bytes", {
          segment: segmentName(seg.start),
          before,
          after: result.size,
          samples: result.totalSamples,
        });
      } catch (e) {
        this.#skip.add(seg.start);
        await Deno.remove(tmpPath).catch(() => {});
        log.warn("Cannot compact the WAL segment {segment}: {error}", {
          segment: segmentName(seg.start),
          error: String(e),
        });
      } finally {
        this.#swapping.delete(seg);
        release();
      }
    };
    await this.#host.serialize(swap);
  }
}
