/** @module Read-only WAL inspection for operators (`vmprober wal inspect`): never modifies the directory. */
import { recoverWal } from "./recover.ts";
import { readPosition } from "./position.ts";
import { destinationOfFile, destinationSentFile, settlePosition } from "./destination_positions.ts";
import { readSentStops, SENT_FILE } from "./sent_batches.ts";
import type { WalReport } from "./wal.ts";

/**
 * Scans the WAL in `dir` exactly as opening it would, without repairing anything, and reports
 * segments, records, samples, bytes, pending samples (from the push position) and every damage found.
 * Safe beside a live agent (a record being written may show as a torn tail). Throws `NotFound`
 * when `dir` does not exist.
 */
export async function inspectWal(dir: string): Promise<WalReport> {
  const info = await Deno.stat(dir);
  if (!info.isDirectory) throw new TypeError(`${dir} is not a directory`);
  const rec = await recoverWal(dir, { repair: false });
  const idx = rec.index;
  const destinations: NonNullable<WalReport["destinations"]> = {};
  for await (const e of Deno.readDir(dir)) {
    const name = destinationOfFile(e.name);
    if (name === undefined || !e.isFile) continue;
    const settled = settlePosition(idx, await readPosition(dir, e.name), rec.pushPosition);
    destinations[name] = {
      push_position: settled.offset,
      pending_samples: idx.samplesFrom(settled.offset),
      file: settled.state,
      sent_stops: await readSentStops(dir, destinationSentFile(name), settled.offset),
    };
  }
  return {
    segments: idx.segments.length,
    records: idx.records(),
    samples: idx.samples(),
    bytes: idx.bytes() + rec.truncatedBytes,
    pending_samples: idx.samplesFrom(rec.pushPosition),
    corrupt_records: rec.corruptRecords,
    corrupt_samples: rec.corruptSamples,
    corrupt_bytes: rec.corruptBytes,
    corrupt_unparsed_bytes: rec.corruptUnparsedBytes,
    push_position: rec.pushPosition,
    end_offset: idx.endOffset(rec.pushPosition),
    disk_full: false,
    truncated_bytes: rec.truncatedBytes,
    missing_segments: rec.missingSegments,
    missing_bytes: rec.missingBytes,
    ignored_files: rec.ignoredFiles,
    quarantined_files: rec.quarantinedFiles,
    position_file: rec.positionState,
    sent_stops: await readSentStops(dir, SENT_FILE, rec.pushPosition),
    ...(Object.keys(destinations).length > 0 ? { destinations } : {}),
  };
}
