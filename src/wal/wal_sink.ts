/** @module The sink that puts every normalized result into the WAL: one append per `write()` call. */
import { createRecordEncoder } from "../results/record_encoder.ts";
import type { ResultRecord, Sink } from "../results/types.ts";
import type { Wal } from "./types.ts";

/** Options of {@linkcode createWalSink}. */
export interface WalSinkOptions {
  /** Labels added to every series (push.extra_labels); never override a record's own labels. */
  extraLabels?: Readonly<Record<string, string>>;
}

/**
 * A {@linkcode Sink} that turns records into samples, encodes them as one remote-write
 * `WriteRequest` per `write()` call and appends it to `wal`. A refused append (full disk) is
 * counted by the WAL; probing is never held up.
 */
export function createWalSink(wal: Wal, options: WalSinkOptions = {}): Sink {
  // Same bytes as the reference encoder of the tests, with each job's labels encoded once.
  const encoder = createRecordEncoder(options.extraLabels ?? {});
  return {
    write(records: readonly ResultRecord[]): void {
      if (records.length === 0) return;
      const { bytes, samples } = encoder.encode(records);
      if (samples === 0) return;
      wal.append(bytes, samples);
    },
  };
}
