/** @module The sink that puts every normalized result into the WAL: one append per `write()` call. */
import { encodeWriteRequest } from "../push/remote_write.ts";
import { recordToSeries, type Series } from "../results/series.ts";
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
  const extra = options.extraLabels ?? {};
  return {
    write(records: readonly ResultRecord[]): void {
      if (records.length === 0) return;
      const series: Series[] = [];
      for (const r of records) series.push(...recordToSeries(r, extra));
      if (series.length === 0) return;
      wal.append(encodeWriteRequest(series), series.length);
    },
  };
}
