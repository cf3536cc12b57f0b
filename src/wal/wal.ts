/**
 * @module `openWal()`: opens the file-backed write-ahead log: takes the directory's lock, runs
 * recovery (recover.ts) and reads each destination's position, then hands over to the running WAL
 * (file_wal.ts). Readers see a record once it is written (and fsynced, per policy).
 */
import { logger } from "../log.ts";
import { recoverWal } from "./recover.ts";
import { destinationSentFile, readDestinationPositions } from "./destination_positions.ts";
import { isRecordBoundary, readSentStops, SENT_FILE } from "./sent_batches.ts";
import type { SentState } from "./file_wal.ts";
import type { LocalWal, WalOptions } from "./types.ts";
import { countRecovery } from "./wal_metrics.ts";
import { lockWalDir } from "./dir_lock.ts";
import { FileWal } from "./file_wal.ts";

export type { LocalWal, WalOptions, WalReport } from "./types.ts";

const log = logger("wal");

export async function openWal(options: WalOptions): Promise<LocalWal> {
  await Deno.mkdir(options.dir, { recursive: true });
  // Before recovery, which repairs: a second agent must not touch a directory in use.
  const lock = await lockWalDir(options.dir);
  let rec;
  const positions = new Map<string, number>();
  const sent = new Map<string, SentState>();
  const names = options.destinations ?? [];
  try {
    rec = await recoverWal(options.dir, { repair: true });
    if (names.length <= 1) positions.set(names[0] ?? "", rec.pushPosition);
    // Several destinations: each its own file; `push_position` (their lowest) for a new one.
    const found = await readDestinationPositions(options.dir, rec.index, {
      names: names.length > 1 ? names : [],
      fallback: rec.pushPosition,
      repair: true,
    });
    for (const [name, p] of found) positions.set(name, p.offset);
    const index = rec.index;
    for (const [name, offset] of positions) {
      const file = names.length > 1 ? destinationSentFile(name) : SENT_FILE;
      const read = await readSentStops(options.dir, file, offset);
      const stops = read.filter((stop) => isRecordBoundary(index, stop));
      if (stops.length < read.length) {
        log.warn("Ignoring {n} batch ends of the WAL file {file}: not record ends of this WAL", {
          n: read.length - stops.length,
          file,
        });
      }
      sent.set(name, { file, stops });
    }
  } catch (e) {
    await lock[Symbol.asyncDispose]();
    throw e;
  }
  const wal = new FileWal(options, lock, rec.index, positions, {
    truncated_bytes: rec.truncatedBytes,
    missing_segments: rec.missingSegments,
    missing_bytes: rec.missingBytes,
    ignored_files: rec.ignoredFiles,
    quarantined_files: rec.quarantinedFiles,
    position_file: rec.positionState,
  }, sent);
  countRecovery(wal.metrics, rec);
  wal.corruptSeen = {
    records: rec.corruptRecords,
    samples: rec.corruptSamples,
    bytes: rec.corruptBytes,
    unparsed: rec.corruptUnparsedBytes,
  };
  await wal.openActive();
  wal.scheduleCompaction();
  log.info("WAL opened: {segments} segments, {records} records, {pending} samples pending", {
    segments: rec.index.segments.length,
    records: rec.index.records(),
    pending: rec.index.samplesFrom(rec.pushPosition),
    dir: options.dir,
  });
  return wal;
}
