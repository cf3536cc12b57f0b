/** @module Test helper: every sample a WAL dir holds, read back through the real WAL reader. */
import { openWal } from "../../src/wal/wal.ts";
import { snappyUncompress } from "../../src/wal/snappy.ts";
import { type DecodedSeries, decodeWriteRequest } from "./wal_decode.ts";

/** True for Prometheus' stale marker (decoded from the bits 0x7ff0000000000002). */
export function isStaleMarker(sample: DecodedSeries): boolean {
  return sample.stale === true;
}

/** `name{k=v,…}` with labels sorted, `__name__` as the name. */
export function seriesKey(labels: Record<string, string>): string {
  const l = Object.entries(labels).filter(([k]) => k !== "__name__").sort()
    .map(([k, v]) => `${k}=${v}`).join(",");
  return `${labels.__name__}{${l}}`;
}

/** Every sample of the WAL in `dir` in WAL order (open with the agent stopped). */
export async function walSeries(dir: string): Promise<DecodedSeries[]> {
  const wal = await openWal({
    dir,
    segmentSize: 16 * 1024 ** 2,
    maxSize: 1024 ** 3,
    fsync: "never",
    fsyncIntervalMs: 1000,
  });
  const out: DecodedSeries[] = [];
  try {
    let offset = 0;
    for (;;) {
      const entries = await wal.read(offset, { maxBytes: 1 << 20 });
      if (entries.length === 0) break;
      for (const e of entries) {
        out.push(...decodeWriteRequest(snappyUncompress(e.compressed)));
        offset = e.nextOffset;
      }
    }
  } finally {
    await wal[Symbol.asyncDispose]();
  }
  return out;
}
