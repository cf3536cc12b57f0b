/** @module The WAL's self metrics (SPEC §8), read from the live WAL at scrape time. */
import { Counter, Gauge, type Registry } from "../base/prom.ts";
import { droppedSamplesCounter } from "./dropped_samples.ts";
import type { WalStats } from "./types.ts";
import type { Recovery } from "./recover.ts";
import { logger } from "../log.ts";

const log = logger("wal");

/** Counters the WAL increments as things happen; gauges are pulled from `stats()`. */
export interface WalMetrics {
  records: Counter;
  corrupt: Counter;
  corruptSamples: Counter;
  corruptBytes: Counter;
  corruptUnparsedBytes: Counter;
  missingBytes: Counter;
  recovery: Counter<"kind">;
  dropped: Counter<"reason" | "destination">;
}

/** Registers the WAL metrics in `registry`; gauges call `stats` when scraped. */
export function createWalMetrics(registry: Registry, stats: () => WalStats): WalMetrics {
  const gauge = (name: string, help: string, pick: (s: WalStats) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(pick(stats()));
      },
    });
  gauge("vmprober_wal_bytes", "Bytes of WAL segments on disk", (s) => s.bytes);
  gauge("vmprober_wal_segments", "WAL segment files on disk", (s) => s.segments);
  gauge(
    "vmprober_wal_pending_samples",
    "Samples in the WAL not yet acknowledged by VictoriaMetrics",
    (s) => s.pending_samples,
  );
  gauge(
    "vmprober_wal_disk_full",
    "1 while WAL appends are paused by a full disk",
    (s) => s.disk_full ? 1 : 0,
  );
  gauge(
    "vmprober_wal_push_position",
    "Global WAL offset acknowledged by the pusher",
    (s) => s.push_position,
  );
  gauge(
    "vmprober_wal_end_offset",
    "Global WAL offset just past the last durable record",
    (s) => s.end_offset,
  );
  const dropped = droppedSamplesCounter(registry);
  dropped.inc({ reason: "wal_full" }, 0);
  dropped.inc({ reason: "disk_full" }, 0);
  return {
    records: new Counter({
      name: "vmprober_wal_records_total",
      help: "Records written to the WAL",
      registers: [registry],
    }),
    corrupt: new Counter({
      name: "vmprober_wal_corrupt_records_total",
      help:
        "Damaged WAL records skipped (at open or while reading), counted by the frame headers that still parse",
      registers: [registry],
    }),
    corruptSamples: new Counter({
      name: "vmprober_wal_corrupt_samples_total",
      help: "Samples in damaged WAL records skipped, as their frame headers state",
      registers: [registry],
    }),
    corruptBytes: new Counter({
      name: "vmprober_wal_corrupt_bytes_total",
      help: "Bytes of damaged WAL data skipped",
      registers: [registry],
    }),
    corruptUnparsedBytes: new Counter({
      name: "vmprober_wal_corrupt_unparsed_bytes_total",
      help:
        "Part of the damaged WAL bytes where no frame header parses: lost records whose number cannot be known",
      registers: [registry],
    }),
    missingBytes: new Counter({
      name: "vmprober_wal_missing_bytes_total",
      help: "Bytes of WAL absent between segments (found at open; record count unknown)",
      registers: [registry],
    }),
    recovery: new Counter({
      name: "vmprober_wal_recovery_events_total",
      help:
        "Repairs made when opening the WAL: torn_tail, missing_segment, ignored_file, quarantined_file, position_corrupt, position_clamped",
      labelNames: ["kind"],
      registers: [registry],
    }),
    dropped,
  };
}

/** Counts what recovery found when the WAL was opened. */
export function countRecovery(m: WalMetrics, rec: Recovery): void {
  m.corrupt.inc(rec.corruptRecords);
  m.corruptSamples.inc(rec.corruptSamples);
  m.corruptBytes.inc(rec.corruptBytes);
  m.corruptUnparsedBytes.inc(rec.corruptUnparsedBytes);
  m.missingBytes.inc(rec.missingBytes);
  if (rec.truncatedBytes > 0) m.recovery.inc({ kind: "torn_tail" });
  if (rec.missingSegments > 0) m.recovery.inc({ kind: "missing_segment" }, rec.missingSegments);
  if (rec.ignoredFiles.length > 0) {
    m.recovery.inc({ kind: "ignored_file" }, rec.ignoredFiles.length);
  }
  if (rec.quarantinedFiles.length > 0) {
    m.recovery.inc({ kind: "quarantined_file" }, rec.quarantinedFiles.length);
  }
  if (rec.positionState === "corrupt") m.recovery.inc({ kind: "position_corrupt" });
  if (rec.positionState === "clamped") m.recovery.inc({ kind: "position_clamped" });
}

/** Damage seen in a WAL: at open, then records that went bad on disk while reading. */
export interface CorruptSeen {
  records: number;
  samples: number;
  bytes: number;
  unparsed: number;
}

/** Counts (and logs) a record that failed its checksum when read and was skipped. */
export function countCorruptRecord(
  m: WalMetrics,
  seen: CorruptSeen,
  at: { offset: number; bytes: number; samples: number },
): void {
  const { offset, bytes, samples } = at;
  seen.records++;
  seen.samples += samples;
  seen.bytes += bytes;
  m.corrupt.inc();
  m.corruptSamples.inc(samples);
  m.corruptBytes.inc(bytes);
  log.warn(
    "Skipped a WAL record that went bad on disk at offset {offset} ({samples} samples, {bytes} bytes)",
    { offset, samples, bytes },
  );
}
