/** @module The WAL options the WAL tests start from: fsync always, small segments, no real size bound. */
import type { WalOptions } from "../../src/wal/wal.ts";

/**
 * Options for a WAL in `dir`: 1 KiB segments (a few records rotate), a 1 GiB bound no test
 * reaches, fsync always; `more` overrides any of them.
 */
export function walTestOptions(dir: string, more: Partial<WalOptions> = {}): WalOptions {
  return {
    dir,
    segmentSize: 1024,
    maxSize: 1 << 30,
    fsync: "always",
    fsyncIntervalMs: 1000,
    ...more,
  };
}
