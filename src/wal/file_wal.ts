/**
 * @module The running file-backed WAL (opened by wal.ts), composed of its parts: appends queued and
 * written per fsync policy (appender.ts), reads (segment_reader.ts), positions and deletion
 * (retention.ts), compaction (compactor.ts), one view per push destination.
 */
import { Registry } from "../base/prom.ts";
import { systemClock } from "../base/clock.ts";
import { Retention } from "./retention.ts";
import { destinationView } from "./destination_view.ts";
import { Compactor } from "./compactor.ts";
import type { LocalWal, Wal, WalEntry, WalOptions, WalReport, WalStats } from "./types.ts";
import {
  type CorruptSeen,
  countCorruptRecord,
  createWalMetrics,
  type WalMetrics,
} from "./wal_metrics.ts";
import type { WalIndex } from "./wal_index.ts";
import { SegmentWriter } from "./segment_writer.ts";
import type { DirLock } from "./dir_lock.ts";
import { readSegmentRecords } from "./segment_reader.ts";
import { Appender } from "./appender.ts";
import { SentNotes } from "./sent_batches.ts";

/** A destination's sent-batches file and the stops read from it at open (sent_batches.ts). */
export interface SentState {
  file: string;
  stops: readonly number[];
}

/** What recovery found, for `report()`. */
export type Recovered = Pick<
  WalReport,
  | "truncated_bytes"
  | "missing_segments"
  | "missing_bytes"
  | "ignored_files"
  | "quarantined_files"
  | "position_file"
>;

/** The WAL once recovered; see the module doc. */
export class FileWal implements LocalWal {
  readonly metrics: WalMetrics;
  /** Damage skipped so far: at open, then records that went bad on disk while reading. */
  corruptSeen: CorruptSeen = { records: 0, samples: 0, bytes: 0, unparsed: 0 };
  #opts: Required<Omit<WalOptions, "registry" | "compactHeld" | "destinations">>;
  #index: WalIndex;
  #retention: Retention;
  #recovered: Recovered;
  #writer: SegmentWriter;
  #appender: Appender;
  #chain: Promise<void> = Promise.resolve();
  #compactor: Compactor;
  #abort = new AbortController();
  #waiters = new Set<() => void>();
  #closed = false;
  /** Highest `nextOffset` `read()` has handed out (or `commit()` seen): segments starting at or
   * after it are unread, and only those may be compacted. */
  #readHigh: number;
  /** Per destination: its sent-file, and the batch ends last noted (read at open, then kept). */
  #sent = new Map<string, { notes: SentNotes; stops: readonly number[] }>();

  constructor(
    opts: WalOptions,
    private readonly lock: DirLock,
    index: WalIndex,
    positions: ReadonlyMap<string, number>,
    recovered: Recovered,
    sent: ReadonlyMap<string, SentState> = new Map(),
  ) {
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
      compactWindowBytes: opts.compactWindowBytes ?? 32 * 1024 * 1024,
    };
    this.#compactor = new Compactor({
      dir: opts.dir,
      sync: opts.fsync !== "never",
      maxRecordBytes: this.#opts.maxRecordBytes,
      windowSamples: this.#opts.compactWindowSamples,
      windowBytes: this.#opts.compactWindowBytes,
      pause: () => this.#opts.compactPause(),
      closed: () => this.#closed,
      segments: () => this.#index.segments,
      readHigh: () => this.#readHigh,
      serialize: (fn) => {
        this.#chain = this.#chain.then(fn);
        return this.#chain;
      },
    }, { enabled: this.#opts.compact, held: opts.compactHeld ?? false });
    this.#index = index;
    this.#writer = new SegmentWriter({
      dir: opts.dir,
      segmentSize: opts.segmentSize,
      sync: opts.fsync !== "never",
      index,
      onNewSegment: () => this.scheduleCompaction(),
    });
    this.#recovered = recovered;
    this.metrics = createWalMetrics(opts.registry ?? new Registry(), () => this.stats());
    this.#retention = new Retention({
      dir: opts.dir,
      index,
      swapOf: (seg) => this.#compactor.swapOf(seg),
      dropped: this.metrics.dropped,
    }, positions);
    for (const name of this.#retention.names()) {
      if (name) this.metrics.dropped.inc({ reason: "wal_full", destination: name }, 0);
    }
    this.#readHigh = this.#retention.min;
    for (const [name, { file, stops }] of sent) {
      this.#sent.set(name, { notes: new SentNotes(opts.dir, file), stops });
      // What was sent before the restart must be read as it was then: never compact it.
      for (const stop of stops) this.#readHigh = Math.max(this.#readHigh, stop);
    }
    this.#appender = new Appender({
      dir: opts.dir,
      writer: this.#writer,
      metrics: this.metrics,
      clock: this.#opts.clock,
      fsync: opts.fsync,
      fsyncIntervalMs: opts.fsyncIntervalMs,
      maxRecordBytes: this.#opts.maxRecordBytes,
      retryMs: this.#opts.retryMs,
      minPosition: () => this.#retention.min,
      written: (n) => {
        this.metrics.records.inc(n);
        for (const w of this.#waiters) w();
      },
      afterWrite: () => this.#retention.enforceMaxSize(this.#opts.maxSize),
      serialize: (fn) => {
        this.#chain = this.#chain.then(fn);
        return this.#chain;
      },
      closed: () => this.#closed,
      signal: this.#abort.signal,
    });
  }

  /** The lowest position of the destinations: everything before it is pushed everywhere. */
  get pushPosition(): number {
    return this.#retention.min;
  }

  destination(name: string): Wal {
    return destinationView(this, name, {
      position: (n) => this.#retention.position(n),
      commit: (n, offset) => this.#commit(n, offset),
      index: this.#index,
      resendStops: (n) => this.#sent.get(n)?.stops ?? [],
      noteSent: (n, from, ends) => {
        const sent = this.#sent.get(n);
        if (!sent) return;
        sent.notes.note(from, ends);
        // A push loop restarted in this process (after an unexpected error) ends its first
        // batches where the ones in flight ended, as a restart of the process does.
        sent.stops = [from, ...ends];
      },
    });
  }

  get unwrittenBytes(): number {
    return this.#appender.unwrittenBytes;
  }

  /** Opens the last segment for appending (if there is one). */
  openActive(): Promise<void> {
    return this.#writer.openLast();
  }

  append(body: Uint8Array, samples: number, lane?: number): boolean {
    return this.#appender.append(body, samples, lane);
  }

  flush(): Promise<void> {
    return this.#appender.flush();
  }

  read(offset: number, options: { maxBytes: number }): Promise<WalEntry[]> {
    return readSegmentRecords(
      {
        dir: this.#opts.dir,
        index: this.#index,
        swapOf: (seg) => this.#compactor.swapOf(seg),
        reading: (next) => {
          this.#readHigh = Math.max(this.#readHigh, next);
        },
        corrupt: (offset, bytes, samples) =>
          countCorruptRecord(this.metrics, this.corruptSeen, { offset, bytes, samples }),
      },
      offset,
      options.maxBytes,
    );
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

  /** Commits `offset` for every destination (the one, usually). */
  commit(offset: number): Promise<void> {
    return this.#commit(undefined, offset);
  }

  async #commit(name: string | undefined, offset: number): Promise<void> {
    const from = name === undefined ? this.#retention.min : this.#retention.position(name);
    const target = Math.min(offset, this.#index.endOffset(from));
    if (target <= from) return;
    this.#readHigh = Math.max(this.#readHigh, target);
    await this.#retention.commit(name, target);
  }

  stats(): WalStats {
    const idx = this.#index;
    return {
      segments: idx.segments.length,
      records: idx.records(),
      samples: idx.samples(),
      bytes: idx.bytes(),
      pending_samples: idx.samplesFrom(this.#retention.min),
      corrupt_records: this.corruptSeen.records,
      corrupt_samples: this.corruptSeen.samples,
      corrupt_bytes: this.corruptSeen.bytes,
      corrupt_unparsed_bytes: this.corruptSeen.unparsed,
      push_position: this.#retention.min,
      end_offset: idx.endOffset(this.#retention.min),
      disk_full: this.#appender.diskFull,
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
    await this.#retention.settled();
    await this.#writer.close(this.#opts.fsync === "never");
    for (const { notes } of this.#sent.values()) notes[Symbol.dispose]();
    await this.lock[Symbol.asyncDispose]();
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
}
