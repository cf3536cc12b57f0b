/**
 * @module The WAL's write side: appends are queued in memory, packed into frames and written by
 * one flush at a time (`always`: at the end of the current tick; `batch`/`never`: every
 * `fsyncIntervalMs`), at once past 4 MiB queued; a full disk pauses appends (counted as
 * `disk_full` drops) and any write error is retried every `retryMs`, frames kept meanwhile.
 */
import { logger } from "../log.ts";
import type { Clock } from "../base/clock.ts";
import { packFrames, type ReadyFrame } from "./batch.ts";
import { AppendArena } from "./append_arena.ts";
import type { SegmentWriter } from "./segment_writer.ts";
import type { WalMetrics } from "./wal_metrics.ts";

const log = logger("wal");
/** Queued bytes that trigger an immediate write, whatever the policy (bounds memory). */
const FLUSH_AT_BYTES = 4 * 1024 * 1024;

/** What the appender needs of the WAL. */
export interface AppenderHost {
  dir: string;
  writer: SegmentWriter;
  metrics: WalMetrics;
  clock: Clock;
  fsync: "always" | "batch" | "never";
  fsyncIntervalMs: number;
  maxRecordBytes: number;
  retryMs: number;
  /** The lowest push position (segments wholly before it may be reused). */
  minPosition(): number;
  /** `n` records were written (and synced, per policy): readers may see them. */
  written(n: number): void;
  /** Runs after each successful write (max_size is enforced there). */
  afterWrite(): Promise<void>;
  /** Runs `fn` after the WAL's queued work (flushes and compaction swaps one at a time). */
  serialize(fn: () => Promise<void>): Promise<void>;
  closed(): boolean;
  /** Aborted when the WAL closes: a pending timed flush is not armed anymore. */
  signal: AbortSignal;
}

/** Queues and writes appends; see the module doc. */
export class Appender {
  /** Queued bodies, copied into pooled chunks (append_arena.ts). */
  #pending = new AppendArena();
  #pendingBytes = 0;
  #stalled: ReadyFrame[] = [];
  #diskFull = false;
  #writeFailing = false;
  #armed = false;

  constructor(private readonly host: AppenderHost) {}

  /** True while the disk is full (appends are refused). */
  get diskFull(): boolean {
    return this.#diskFull;
  }

  /** Bytes appended but not yet on disk. */
  get unwrittenBytes(): number {
    return this.#pendingBytes + this.#stalled.reduce((n, f) => n + f.bytes.length, 0);
  }

  /** Queues one record's body; false (and counted) when closed or the disk is full. */
  append(body: Uint8Array, samples: number, lane?: number): boolean {
    const host = this.host;
    if (host.closed() || this.#diskFull) {
      host.metrics.dropped.inc({ reason: host.closed() ? "wal_closed" : "disk_full" }, samples);
      return false;
    }
    this.#pending.push(body, samples, lane);
    this.#pendingBytes += body.length;
    if (this.#pendingBytes >= FLUSH_AT_BYTES) void this.flush();
    else this.#arm(host.fsync === "always" ? 0 : host.fsyncIntervalMs);
    return true;
  }

  /** Writes what is queued, after the WAL's queued work. */
  flush(): Promise<void> {
    return this.host.serialize(() => this.#flushNow());
  }

  #arm(delay: number): void {
    if (this.#armed || this.host.closed()) return;
    this.#armed = true;
    this.host.clock.sleep(delay, this.host.signal).then(
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
    const host = this.host;
    if (!this.#pending.empty) {
      const { pending, release } = this.#pending.take();
      const max = host.maxRecordBytes;
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
      release(); // every body is packed (copied) into a frame now
    }
    if (this.#stalled.length === 0) return;
    try {
      await host.writer.write(this.#stalled, host.minPosition(), (n) => host.written(n));
      if (this.#diskFull) log.info("WAL appends resumed: disk space is available again");
      else if (this.#writeFailing) log.info("WAL writes work again");
      this.#diskFull = false;
      this.#writeFailing = false;
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === "ENOSPC") {
        if (!this.#diskFull) {
          log.error("WAL disk full: appends paused, probing goes on; retrying every {ms} ms", {
            ms: host.retryMs,
            dir: host.dir,
          });
        }
        this.#diskFull = true;
      } else if (!this.#writeFailing) {
        log.error("Cannot write the WAL: {error}; retrying", { error: String(e) });
      }
      this.#writeFailing = true;
      this.#arm(host.retryMs);
      return;
    }
    await host.afterWrite();
  }
}
