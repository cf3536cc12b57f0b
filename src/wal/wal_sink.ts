/** @module The sink that puts every normalized result into the WAL: one append per `write()` call. */
import { Counter, type Registry } from "../base/prom.ts";
import { LABEL_DROP_REASONS } from "../results/label_set.ts";
import type { FamilyBook } from "../results/pushed_families.ts";
import { createRecordEncoder, sampleCount } from "../results/record_encoder.ts";
import type { ResultRecord, Sink } from "../results/types.ts";
import type { Wal } from "./types.ts";
import { MAX_LANES } from "./frame.ts";
import { laneOf, WAL_LANES } from "./lanes.ts";

/** Options of {@linkcode createWalSink}. */
export interface WalSinkOptions {
  /** Labels added to every series (push.extra_labels); never override a record's own labels. */
  extraLabels?: Readonly<Record<string, string>>;
  /** Where `vmprober_push_labels_dropped_total{reason}` goes (not registered without one). */
  registry?: Registry;
  /** Told of every gauge family written, for the pushed HELP/TYPE metadata. */
  families?: FamilyBook;
  /**
   * Lanes the records are written in (lanes.ts; WAL_LANES by default, at most 16); 1 writes
   * records without a lane, as before lanes.
   */
  lanes?: number;
}

/** The WAL sink: results, and the stale markers of jobs that ended. */
export interface WalSink extends Sink {
  /**
   * Appends a stale marker at `timestampMs` for every series of each record (a job's last result):
   * its target or module was removed. Through the WAL like every sample, so a crash keeps it.
   */
  writeStale(records: readonly ResultRecord[], timestampMs: number): void;
}

/**
 * A {@linkcode Sink} that turns records into samples, encodes them as one remote-write
 * `WriteRequest` per `write()` call and appends it to `wal`. A refused append (full disk) is
 * counted by the WAL; probing is never held up. Labels left out of a series (label_set.ts) are
 * counted once per job by reason.
 */
export function createWalSink(wal: Wal, options: WalSinkOptions = {}): WalSink {
  let dropped: Counter<"reason"> | undefined;
  let skipped: Counter<"reason"> | undefined;
  if (options.registry) {
    skipped = new Counter({
      name: "vmprober_push_skipped_samples_total",
      help: "Samples not written to the WAL, by reason: after_stale (the result of a probe in " +
        "flight when its target was removed, older than the stale marker already written)",
      labelNames: ["reason"],
      registers: [options.registry],
    });
    skipped.inc({ reason: "after_stale" }, 0);
    dropped = new Counter({
      name: "vmprober_push_labels_dropped_total",
      help: "Labels left out of pushed series, once per job: invalid_name, empty_value or " +
        "duplicate (the first of a name wins: probe/type/target, then target labels, then " +
        "push.extra_labels)",
      labelNames: ["reason"],
      registers: [options.registry],
    });
    for (const reason of LABEL_DROP_REASONS) dropped.inc({ reason }, 0);
  }
  // Same bytes as the reference encoder of the tests, with each job's labels encoded once.
  const encoder = createRecordEncoder(options.extraLabels ?? {}, {
    onLabelDrop: (reason) => dropped?.inc({ reason }),
  });
  const lanes = Math.max(1, Math.min(options.lanes ?? WAL_LANES, MAX_LANES));
  /** `records` split by lane, in order within each (one lane: as they are). */
  const byLane = (records: readonly ResultRecord[]): (readonly ResultRecord[])[] => {
    if (lanes === 1) return [records];
    const out: ResultRecord[][] = Array.from({ length: lanes }, () => []);
    for (const r of records) out[laneOf(r.key, lanes)]!.push(r);
    return out;
  };
  /** Appends each lane's records as one record of that lane (without a lane when 1). */
  const appendByLane = (
    records: readonly ResultRecord[],
    encode: (part: readonly ResultRecord[]) => { bytes: Uint8Array; samples: number },
  ) => {
    const parts = byLane(records);
    for (let lane = 0; lane < parts.length; lane++) {
      if (parts[lane]!.length === 0) continue;
      const { bytes, samples } = encode(parts[lane]!);
      if (samples > 0) wal.append(bytes, samples, lanes === 1 ? undefined : lane);
    }
  };
  /** Stale marker times of ended jobs by job key, until a later result or an hour. */
  const ended = new Map<string, number>();
  return {
    write(all: readonly ResultRecord[]): void {
      let records = all;
      if (ended.size > 0) {
        // A result older than its job's stale marker would reach the receiver out of order.
        records = all.filter((r) => {
          const key = r.key;
          const at = ended.get(key);
          if (at === undefined) return true;
          if (r.timestampMs >= at) {
            ended.delete(key);
            return true;
          }
          skipped?.inc({ reason: "after_stale" }, sampleCount(r));
          return false;
        });
      }
      if (records.length === 0) return;
      if (options.families) {
        for (const r of records) {
          for (const g of r.gauges ?? []) options.families.note(g.name, g.help, g.type);
        }
      }
      // The WAL's append queue copies the bytes: the encoder's buffer is lent, not copied twice.
      appendByLane(records, (part) => encoder.encodeView(part));
    },
    writeStale(records, timestampMs) {
      if (records.length === 0) return;
      for (const [k, at] of ended) if (at < timestampMs - 3_600_000) ended.delete(k);
      for (const r of records) ended.set(r.key, timestampMs);
      appendByLane(records, (part) => encoder.encodeStale(part, timestampMs));
    },
  };
}
