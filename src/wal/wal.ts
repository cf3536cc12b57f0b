/**
 * @module `openWal()`: the file-backed write-ahead log. Appends are queued in memory, packed into
 * frames and written by one flush at a time (`always`: at the end of the current tick, fsynced;
 * `batch`: every `fsyncIntervalMs`, fsynced; `never`: same schedule, no fsync). Readers see a record
 * once it is written (and fsynced, per policy). Opening runs recovery (see recover.ts).
 */
import { joinPath as join } from "./path.ts";
import { Registry } from "../metrics/prom.ts";
import { logger } from "../log.ts";
import { type Clock, systemClock } from "../schedule/clock.ts";
import { packFrames, type PendingAppend, type ReadyFrame } from "./batch.ts";
import { checkFrame, framePayload } from "./frame.ts";
import { fsyncDir, writePosition } from "./position.ts";
import { type PositionState, recoverWal, segmentName } from "./recover.ts";
import { Compactor } from "./compactor.ts";
import type { FsyncPolicy, Wal, WalEntry, WalStats } from "./types.ts";
import { createWalMetrics, type WalMetrics } from "./wal_metrics.ts";
import { segmentEnd, type WalIndex } from "./wal_index.ts";

/** Options of {@linkcode openWal}. Sizes in bytes, durations in ms. */
export interface WalOptions {
  dir: string;
  /** A segment is closed and a new one started once the next record would pass this size. */
  segmentSize: number;
  /** Past this many bytes on disk the oldest segment is dropped (counted as `wal_full`). */
  maxSize: number;
  fsync: FsyncPolicy;
  /** For `batch` (and `never`): how long appends may wait in memory before they are written. */
  fsyncIntervalMs: number;
  /** Where the WAL metrics go; a private registry when omitted. */
  registry?: Registry;
  clock?: Clock;
  /** Largest uncompressed batch per record (default 1 MiB). */
  maxRecordBytes?: number;
  /** Pause between write attempts while the disk is full (default 1 s). */
  retryMs?: number;
  /**
   * Rewrite sealed segments the pusher has not read from yet with samples grouped by series
   * (compact.ts), in the background (default false; the agent's `wal.compact` defaults to true).
   */
  compact?: boolean;
  /** Starts with compaction held back (see `holdCompaction`); false by default. */
  compactHeld?: boolean;
  /** Awaited between slices of compaction work (default: one macrotask, to let timers run). */
  compactPause?: () => Promise<void>;
  /** Samples grouped at a time by compaction (default 200,000; bounds its memory). */
  compactWindowSamples?: number;
}

/** Operator figures beyond {@linkcode WalStats}: what recovery found. */
export interface WalReport extends WalStats {
  truncated_bytes: number;
  missing_segments: number;
  ignored_files: string[];
  position_file: PositionState;
}

/** The WAL as `openWal` returns it: the seam plus the recovery report. */
export interface LocalWal extends Wal {
  /** Stats plus what recovery found at open. */
  report(): WalReport;
  /** Bytes appended but not yet durable (queued, or waiting for disk space). */
  readonly unwrittenBytes: number;
  /** Resolves once background compaction has nothing left to do (at once when it is idle). */
  compaction(): Promise<void>;
  /**
   * Holds compaction back (true) or lets it run (false). The agent holds it while pushing is
   * healthy: a backlog that drains anyway is not worth rewriting, and rewriting it would compete
   * with the drain for CPU. It runs while pushing fails, when the backlog is what fills the disk.
   */
  holdCompaction(held: boolean): void;
}

const log = logger("wal");
/** Queued bytes that trigger an immediate write, whatever the policy (bounds memory). */
const FLUSH_AT_BYTES = 4 * 1024 * 1024;

/** Opens (creating if needed) and recovers the WAL in `options.dir`. */
export async function openWal(options: WalOptions): Promise<LocalWal> {
  await Deno.mkdir(options.dir, { recursive: true });
  const rec = await recoverWal(options.dir, { repair: true });
  const wal = new FileWal(options, rec.index, rec.pushPosition, {
    truncated_bytes: rec.truncatedBytes,
    missing_segments: rec.missingSegments,
    ignored_files: rec.ignoredFiles,
    position_file: rec.positionState,
  });
  const m = wal.metrics;
  m.corrupt.inc(rec.corruptRecords);
  if (rec.truncatedBytes > 0) m.recovery.inc({ kind: "torn_tail" });
  if (rec.missingSegments > 0) m.recovery.inc({ kind: "missing_segment" }, rec.missingSegments);
  if (rec.ignoredFiles.length > 0) {
    m.recovery.inc({ kind: "ignored_file" }, rec.ignoredFiles.length);
  }
  if (rec.positionState === "corrupt") m.recovery.inc({ kind: "position_corrupt" });
  if (rec.positionState === "clamped") m.recovery.inc({ kind: "position_clamped" });
  wal.corruptSeen = rec.corruptRecords;
  await wal.openActive();
  wal.scheduleCompaction();
  log.info("WAL opened: {segments} segments, {records} records, {pending} samples pending", {
    segments: rec.index.segments.length,
    records: rec.index.records(),
    pending: rec.index.samplesFrom(rec.pushPosition),
    dir: options.dir,
  });
  return wal;
}

type Recovered = Pick<
  WalReport,
  "truncated_bytes" | "missing_segments" | "ignored_files" | "position_file"
>;

class FileWal implements LocalWal {
  readonly metrics: WalMetrics;
  corruptSeen = 0;
  #opts: Required<Omit<WalOptions, "registry" | "compactHeld">>;
  #index: WalIndex;
  #pushPosition: number;
  #recovered: Recovered;
  #pending: PendingAppend[] = [];
  #pendingBytes = 0;
  #stalled: ReadyFrame[] = [];
  #active: Deno.FsFile | null = null;
  #diskFull = false;
  #writeFailing = false;
  #chain: Promise<void> = Promise.resolve();
  #compactor: Compactor;
  #posChain: Promise<void> = Promise.resolve();
  #posQueued = false;
  #armed = false;
  #abort = new AbortController();
  #waiters = new Set<() => void>();
  #closed = false;
  /** Highest `nextOffset` `read()` has handed out (or `commit()` seen): segments starting at or
   * after it are unread, and only those may be compacted. */
  #readHigh: number;

  constructor(opts: WalOptions, index: WalIndex, pushPosition: number, recovered: Recovered) {
    this.#opts = {
      dir: opts.dir,
      segmentSize: opts.segmentSize,
      maxSize: opts.maxSize,
      fsync: opts.fsync,
      fsyncIntervalMs: opts.fsyncIntervalMs,
      clock: opts.clock ?? systemClock,
      maxRecordBytes: opts.maxRecordBytes ?? 1024 * 1024,
      retryMs: opts.retryMs ?? 1000,
      compact: opts.compact ?? false,
      compactPause: opts.compactPause ?? (() => new Promise((r) => setTimeout(r, 0))),
      compactWindowSamples: opts.compactWindowSamples ?? 200_000,
    };
    this.#compactor = new Compactor({
      dir: opts.dir,
      sync: opts.fsync !== "never",
      maxRecordBytes: this.#opts.maxRecordBytes,
      windowSamples: this.#opts.compactWindowSamples,
      pause: () => this.#opts.compactPause(),
      closed: () => this.#closed,
      segments: () => this.#index.segments,
      readHigh: () => this.#readHigh,
      serialize: (fn) => {
        this.#chain = this.#chain.then(fn);
        return this.#chain;
      },
    }, { enabled: this.#opts.compact, held: opts.compactHeld ?? false });
    this.#readHigh = pushPosition;
    this.#index = index;
    this.#pushPosition = pushPosition;
    this.#recovered = recovered;
    this.metrics = createWalMetrics(opts.registry ?? new Registry(), () => this.stats());
  }

  get pushPosition(): number {
    return this.#pushPosition;
  }

  get unwrittenBytes(): number {
    return this.#pendingBytes + this.#stalled.reduce((n, f) => n + f.bytes.length, 0);
  }

  /** Opens the last segment for appending (if there is one). */
  async openActive(): Promise<void> {
    const last = this.#index.segments.at(-1);
    // A compacted segment is never appended to: the next write starts a segment at its end.
    if (!last || last.end !== undefined) return;
    this.#active = await Deno.open(this.#path(last.start), { write: true, append: true });
  }

  append(body: Uint8Array, samples: number): boolean {
    if (this.#closed || this.#diskFull) {
      this.metrics.dropped.inc({ reason: this.#closed ? "wal_closed" : "disk_full" }, samples);
      return false;
    }
    this.#pending.push({ body, samples });
    this.#pendingBytes += body.length;
    if (this.#pendingBytes >= FLUSH_AT_BYTES) void this.flush();
    else this.#arm(this.#opts.fsync === "always" ? 0 : this.#opts.fsyncIntervalMs);
    return true;
  }

  flush(): Promise<void> {
    this.#chain = this.#chain.then(() => this.#flushNow());
    return this.#chain;
  }

  #arm(delay: number): void {
    if (this.#armed || this.#closed) return;
    this.#armed = true;
    this.#opts.clock.sleep(delay, this.#abort.signal).then(
      () => {
        this.#armed = false;
        return this.flush();
      },
      () => {
        this.#armed = false;
      },
    );
  }

  async #flushNow(): Promise<void> {
    if (this.#pending.length > 0) {
      const pending = this.#pending;
      const max = this.#opts.maxRecordBytes;
      this.#pending = [];
      this.#pendingBytes = 0;
      // One frame at a time, yielding between frames: a second of appends at 10,000 probes/s is
      // ~4 MiB, and compressing it in one go blocks the event loop (the scheduler) for ~10-50 ms.
      for (let i = 0; i < pending.length;) {
        let j = i;
        for (let bytes = 0; j < pending.length; j++) {
          if (j > i && bytes + pending[j]!.body.length > max) break;
          bytes += pending[j]!.body.length;
        }
        this.#stalled.push(...packFrames(pending.slice(i, j), max));
        i = j;
        if (i < pending.length) await new Promise((r) => setTimeout(r, 0));
      }
    }
    if (this.#stalled.length === 0) return;
    try {
      await this.#writeFrames();
      if (this.#diskFull) log.info("WAL appends resumed: disk space is available again");
      else if (this.#writeFailing) log.info("WAL writes work again");
      this.#diskFull = false;
      this.#writeFailing = false;
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === "ENOSPC") {
        if (!this.#diskFull) {
          log.error("WAL disk full: appends paused, probing goes on; retrying every {ms} ms", {
            ms: this.#opts.retryMs,
            dir: this.#opts.dir,
          });
        }
        this.#diskFull = true;
      } else if (!this.#writeFailing) {
        log.error("Cannot write the WAL: {error}; retrying", { error: String(e) });
      }
      this.#writeFailing = true;
      this.#arm(this.#opts.retryMs);
      return;
    }
    await this.#enforceMaxSize();
  }

  /** Writes the stalled frames, rotating segments; each written group leaves the queue. */
  async #writeFrames(): Promise<void> {
    const sync = this.#opts.fsync !== "never";
    while (this.#stalled.length > 0) {
      let seg = this.#index.segments.at(-1);
      if (!seg || !this.#active) {
        seg = await this.#newSegment(this.#index.endOffset(this.#pushPosition));
      } else if (
        seg.size > 0 && seg.size + this.#stalled[0]!.bytes.length > this.#opts.segmentSize
      ) {
        if (sync) await this.#active.syncData();
        this.#active.close();
        this.#active = null;
        seg = await this.#newSegment(seg.start + seg.size);
      }
      let n = 0;
      let bytes = 0;
      while (
        n < this.#stalled.length &&
        (n === 0 || seg.size + bytes + this.#stalled[n]!.bytes.length <= this.#opts.segmentSize)
      ) bytes += this.#stalled[n++]!.bytes.length;
      const buf = new Uint8Array(bytes);
      let at = 0;
      for (let k = 0; k < n; k++) {
        buf.set(this.#stalled[k]!.bytes, at);
        at += this.#stalled[k]!.bytes.length;
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
      for (const f of this.#stalled.splice(0, n)) {
        this.#index.add(offset, f.bytes.length, f.samples);
        offset += f.bytes.length;
      }
      this.metrics.records.inc(n);
      for (const w of this.#waiters) w();
    }
  }

  async #newSegment(start: number) {
    const path = this.#path(start);
    this.#active = await Deno.open(path, { write: true, create: true, append: true });
    await this.#active.truncate(0);
    if (this.#opts.fsync !== "never") await fsyncDir(this.#opts.dir);
    const seg = { start, size: 0, offsets: [], sizes: [], samples: [], totalSamples: 0 };
    this.#index.segments.push(seg);
    this.scheduleCompaction();
    return seg;
  }

  async #enforceMaxSize(): Promise<void> {
    const segs = this.#index.segments;
    while (this.#index.bytes() > this.#opts.maxSize && segs.length > 1) {
      const seg = segs[0]!;
      const lost = segmentEnd(seg) > this.#pushPosition
        ? this.#index.samplesFrom(this.#pushPosition) - this.#index.samplesFrom(segs[1]!.start)
        : 0;
      segs.shift();
      await Deno.remove(this.#path(seg.start)).catch(() => {});
      if (lost > 0) {
        this.metrics.dropped.inc({ reason: "wal_full" }, lost);
        log.warn("WAL over max_size: dropped the oldest segment with {samples} unpushed samples", {
          samples: lost,
          max_size: this.#opts.maxSize,
        });
      }
      if (this.#pushPosition < segs[0]!.start) {
        this.#pushPosition = segs[0]!.start;
        await this.#savePosition();
      }
    }
  }

  async read(offset: number, options: { maxBytes: number }): Promise<WalEntry[]> {
    let from = offset;
    for (let attempt = 0; attempt < 1000; attempt++) {
      const ref = this.#index.find(from);
      if (!ref) return [];
      const seg = this.#index.segments[ref.seg]!;
      const swap = this.#compactor.swapOf(seg);
      if (swap) {
        await swap; // compaction is replacing this segment: look again in the new layout
        continue;
      }
      let end = ref.rec;
      let payload = 0;
      while (end < seg.offsets.length && (end === ref.rec || payload < options.maxBytes)) {
        payload += seg.sizes[end]!;
        end++;
      }
      // Before any await: from now on compaction leaves this segment alone.
      this.#readHigh = Math.max(this.#readHigh, this.#index.nextOffset(ref.seg, end - 1));
      const first = seg.offsets[ref.rec]!;
      const last = seg.offsets[end - 1]! + seg.sizes[end - 1]!;
      let buf: Uint8Array;
      try {
        buf = await readRange(this.#path(seg.start), first - seg.start, last - first);
      } catch (e) {
        if (e instanceof Deno.errors.NotFound) continue; // deleted meanwhile: look again
        throw e;
      }
      const out: WalEntry[] = [];
      for (let r = ref.rec; r < end; r++) {
        const at = seg.offsets[r]! - first;
        const c = checkFrame(buf, at, buf.length);
        if (c.kind !== "ok" || c.size !== seg.sizes[r]) {
          this.corruptSeen++;
          this.metrics.corrupt.inc();
          log.warn("Skipped a WAL record that went bad on disk at offset {offset}", {
            offset: seg.offsets[r],
          });
          continue;
        }
        out.push({
          offset: seg.offsets[r]!,
          nextOffset: r === seg.offsets.length - 1 && seg.end !== undefined
            ? seg.end
            : seg.offsets[r]! + c.size,
          compressed: framePayload(buf, at, c.size),
          samples: c.samples,
        });
      }
      if (out.length > 0) return out;
      from = last;
    }
    return [];
  }

  waitForData(offset: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (signal.aborted || this.#closed || this.#index.find(offset)) {
          this.#waiters.delete(check);
          signal.removeEventListener("abort", check);
          resolve();
        }
      };
      this.#waiters.add(check);
      signal.addEventListener("abort", check);
      check();
    });
  }

  async commit(offset: number): Promise<void> {
    const target = Math.min(offset, this.#index.endOffset(this.#pushPosition));
    if (target <= this.#pushPosition) return;
    this.#pushPosition = target;
    this.#readHigh = Math.max(this.#readHigh, target);
    const segs = this.#index.segments;
    while (segs.length > 1 && segmentEnd(segs[0]!) <= target) {
      const seg = segs.shift()!;
      await this.#compactor.swapOf(seg);
      await Deno.remove(this.#path(seg.start)).catch((e) => {
        if (!(e instanceof Deno.errors.NotFound)) {
          log.warn("Cannot delete a pushed WAL segment: {error}", { error: String(e) });
        }
      });
    }
    await this.#savePosition();
  }

  /** Writes the current push position; failures are logged, the next commit tries again. */
  #savePosition(): Promise<void> {
    // A save not started yet writes the newest position when it runs: commits that arrive while
    // one is queued share it (one tmp+fsync+rename+fsync per burst, not per commit).
    if (this.#posQueued) return this.#posChain;
    this.#posQueued = true;
    this.#posChain = this.#posChain.then(async () => {
      this.#posQueued = false;
      try {
        await writePosition(this.#opts.dir, this.#pushPosition);
      } catch (e) {
        log.warn("Cannot save the WAL push position: {error}", { error: String(e) });
      }
    });
    return this.#posChain;
  }

  stats(): WalStats {
    const idx = this.#index;
    return {
      segments: idx.segments.length,
      records: idx.records(),
      samples: idx.samples(),
      bytes: idx.bytes(),
      pending_samples: idx.samplesFrom(this.#pushPosition),
      corrupt_records: this.corruptSeen,
      push_position: this.#pushPosition,
      end_offset: idx.endOffset(this.#pushPosition),
      disk_full: this.#diskFull,
    };
  }

  report(): WalReport {
    return { ...this.stats(), ...this.#recovered };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#closed) return;
    await this.flush();
    this.#closed = true;
    this.#abort.abort();
    await this.#compactor.idle();
    await this.#chain;
    await this.#posChain;
    if (this.#active && this.#opts.fsync === "never") await this.#active.syncData().catch(() => {});
    this.#active?.close();
    this.#active = null;
    for (const w of this.#waiters) w();
  }

  compaction(): Promise<void> {
    return this.#compactor.idle();
  }

  holdCompaction(held: boolean): void {
    this.#compactor.hold(held);
  }

  /** Starts background compaction if it is enabled, idle, and may have work. */
  scheduleCompaction(): void {
    this.#compactor.schedule();
  }

  #path(start: number): string {
    return join(this.#opts.dir, segmentName(start));
  }
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
