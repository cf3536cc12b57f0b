/**
 * @module The WAL seam: what the sink appends and what the pusher reads and acknowledges; and
 * the local WAL's options and recovery report.
 */
import type { Registry } from "../base/prom.ts";
import type { Clock } from "../base/clock.ts";
import type { PositionState } from "./recover.ts";

/** `always`: fsync every append batch; `batch`: at most `fsync_interval` later; `never`: the OS decides. */
export type FsyncPolicy = "always" | "batch" | "never";

/** One record read back from the WAL. Offsets are global byte offsets across segments. */
export interface WalEntry {
  /** Offset of this record's first byte. */
  offset: number;
  /** Offset just past this record: commit this to acknowledge it. */
  nextOffset: number;
  /** The record payload as stored: a snappy-compressed remote-write `WriteRequest`. */
  compressed: Uint8Array;
  /** Samples in the payload. */
  samples: number;
  /**
   * Read from a compacted segment: its records are grouped by series (a window's records share
   * none), unlike the records of a tick, which hold every series probed in it.
   */
  compacted?: boolean;
  /**
   * The lane of a record written by lanes (frame.ts `TYPE_LANE`): records of different lanes
   * share no series. Absent for records written without one and for compacted records.
   */
  lane?: number;
}

/** Operator-facing figures (also `vmprober wal inspect --json`). */
export interface WalStats {
  segments: number;
  records: number;
  samples: number;
  bytes: number;
  pending_samples: number;
  /** Damaged records skipped (at open or while reading), counted by headers that still parse. */
  corrupt_records: number;
  /** Samples those damaged records held, as their headers state. */
  corrupt_samples: number;
  /** Bytes of damaged regions skipped. */
  corrupt_bytes: number;
  /** The part of `corrupt_bytes` where no frame header parses: lost records of unknown number. */
  corrupt_unparsed_bytes: number;
  push_position: number;
  end_offset: number;
  /** True while appends are paused by ENOSPC. */
  disk_full: boolean;
}

/** The write-ahead log as the agent uses it. */
export interface Wal extends AsyncDisposable {
  /**
   * Queues one record: `body` is an uncompressed `WriteRequest` holding `samples` samples,
   * copied before this returns (the caller may reuse its buffer). Never throws; returns false
   * when the record was refused (disk full), which is counted. With `lane`, every series of
   * `body` belongs to that lane (lanes.ts): records of different lanes share no series.
   */
  append(body: Uint8Array, samples: number, lane?: number): boolean;
  /** Writes and (per policy) fsyncs everything appended so far. */
  flush(): Promise<void>;
  /** Entries from `offset` in order, up to `maxBytes` of payload (at least one entry if any). */
  read(offset: number, options: { maxBytes: number }): Promise<WalEntry[]>;
  /** Resolves once data past `offset` is readable, or when `signal` aborts. */
  waitForData(offset: number, signal: AbortSignal): Promise<void>;
  /** What VictoriaMetrics has acknowledged: everything before it may be deleted. */
  readonly pushPosition: number;
  /** Atomically records a new push position and deletes segments wholly before it. */
  commit(offset: number): Promise<void>;
  stats(): WalStats;
  /**
   * Where the batches in flight when the last run stopped ended, ascending (sent_batches.ts):
   * read at open, then the ends last noted in this process. The first batches after a restart
   * (of the process or of a push loop) end there, so that a batch acknowledged but not
   * committed is sent again alone.
   */
  readonly resendStops?: readonly number[];
  /** Records, before a request goes out, the ends of the batches in flight (see resendStops). */
  noteSent?(from: number, ends: readonly number[]): void;
}

/** Options of `openWal` (wal.ts). Sizes in bytes, durations in ms. */
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
  /**
   * The push destinations reading this WAL, each with its own position (retention.ts). None or
   * one: the one position in `push_position`, as ever; several: `dest_position.<name>` each.
   */
  destinations?: readonly string[];
  /** Starts with compaction held back (see `holdCompaction`); false by default. */
  compactHeld?: boolean;
  /** Awaited between slices of compaction work (default: one macrotask, to let timers run). */
  compactPause?: () => Promise<void>;
  /** Samples grouped at a time by compaction (default 200,000; bounds its memory). */
  compactWindowSamples?: number;
  /**
   * Bytes of label sets and samples grouped at a time by compaction (default 32 MiB): with many
   * series per window the label bytes, stored once per series, bound its memory before the samples.
   */
  compactWindowBytes?: number;
}

/** Operator figures beyond {@linkcode WalStats}: what recovery found. */
export interface WalReport extends WalStats {
  truncated_bytes: number;
  missing_segments: number;
  /** Bytes absent between segments (their record count cannot be known). */
  missing_bytes: number;
  ignored_files: string[];
  /** Segment-named files that overlapped the log and were set aside in `quarantine/`. */
  quarantined_files: string[];
  position_file: PositionState;
  /**
   * `vmprober wal inspect`: the batch ends in `push_sent` past the push position, where the
   * first batches after a restart will end (sent_batches.ts; empty without the file).
   */
  sent_stops?: number[];
  /**
   * With several push destinations (`vmprober wal inspect`): each one's position file, by
   * destination name; `push_position` is then their lowest.
   */
  destinations?: Record<
    string,
    { push_position: number; pending_samples: number; file: PositionState; sent_stops?: number[] }
  >;
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
  /**
   * The WAL as destination `name` (one of `WalOptions.destinations`) reads it: its own
   * `pushPosition`, `commit()` and pending samples; a segment goes once every destination has
   * passed it. Throws for another name.
   */
  destination(name: string): Wal;
}
