/** @module The WAL seam: what the sink appends and what the pusher reads and acknowledges. */

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
}

/** Operator-facing figures (also `vmprober wal inspect --json`). */
export interface WalStats {
  segments: number;
  records: number;
  samples: number;
  bytes: number;
  pending_samples: number;
  corrupt_records: number;
  push_position: number;
  end_offset: number;
  /** True while appends are paused by ENOSPC. */
  disk_full: boolean;
}

/** The write-ahead log as the agent uses it. */
export interface Wal extends AsyncDisposable {
  /**
   * Queues one record: `body` is an uncompressed `WriteRequest` holding `samples` samples.
   * Never throws; returns false when the record was refused (disk full), which is counted.
   */
  append(body: Uint8Array, samples: number): boolean;
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
}
