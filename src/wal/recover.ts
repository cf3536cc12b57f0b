/**
 * @module Opening is recovery: scans a WAL directory, builds its index and lists every kind of damage
 * (torn tail, corrupt records, gaps, stray files, a bad position file). With `repair` it also cuts
 * the torn tail, removes a stale temporary position file and rewrites a corrupt position file;
 * without it the directory is only read (`vmprober wal inspect` beside a live agent).
 */
import { joinPath as join } from "../base/paths.ts";
import { logger } from "../log.ts";
import { LOCK_FILE } from "./dir_lock.ts";
import { POSITION_FILE, POSITION_TMP, readPosition, writePosition } from "./position.ts";
import {
  destinationFileKind,
  type PositionState,
  settlePosition,
} from "./destination_positions.ts";
import { type Candidate, resolveOverlaps } from "./overlap.ts";
import { DEST_SENT_PREFIX, SENT_FILE } from "./sent_batches.ts";
import { quarantine, QUARANTINE_DIR } from "./quarantine.ts";
import { clipScan, type Damage, scanSegment } from "./segment_scan.ts";
import { type IndexedSegment, segmentEnd, WalIndex } from "./wal_index.ts";

/** A segment file name: the segment's start offset, zero-padded to 20 digits. */
export const SEGMENT_NAME = /^\d{20}$/;

/** The file name of the segment starting at `start`. */
export function segmentName(start: number): string {
  return String(start).padStart(20, "0");
}

/** A segment being rewritten by compaction (renamed over the segment once complete and fsynced). */
export const COMPACT_TMP = /^\d{20}\.compact$/;

/** The temporary name compaction writes the segment starting at `start` under. */
export function compactTmpName(start: number): string {
  return `${segmentName(start)}.compact`;
}

export type { PositionState } from "./destination_positions.ts";

/** Everything recovery found. */
export interface Recovery {
  index: WalIndex;
  /** The push position to use (snapped to a record boundary within the log). */
  pushPosition: number;
  positionState: PositionState;
  /** Damaged records skipped in the middle of the log, counted by the frame headers that parse. */
  corruptRecords: number;
  /** Samples those damaged records' headers state. */
  corruptSamples: number;
  /** Bytes of damaged regions skipped (records, and bytes where no header could be read). */
  corruptBytes: number;
  /** The part of `corruptBytes` where no frame header parses: lost records of unknown number. */
  corruptUnparsedBytes: number;
  /** Bytes absent between segments (with `missingSegments`): their record count is unknown. */
  missingBytes: number;
  /** Bytes of torn or zero-filled tail past the last valid record of the last segment. */
  truncatedBytes: number;
  /** Gaps in the offset sequence: a missing segment or a segment shorter than its successor says. */
  missingSegments: number;
  /** Files in the directory that are not part of the WAL (left alone). */
  ignoredFiles: string[];
  /** Segment-named files that overlap the log and lost (moved to `quarantine/` with `repair`). */
  quarantinedFiles: string[];
}

const log = logger("wal");

/** Scans `dir`; with `repair` fixes what must be fixed before appending. Never throws on content. */
export async function recoverWal(dir: string, options: { repair: boolean }): Promise<Recovery> {
  const names: Array<{ start: number; name: string }> = [];
  const ignoredFiles: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && SEGMENT_NAME.test(e.name) && Number.isSafeInteger(Number(e.name))) {
      names.push({ start: Number(e.name), name: e.name });
    } else if (e.isDirectory && e.name === QUARANTINE_DIR) {
      // files set aside by an earlier recovery
    } else if (e.name === LOCK_FILE) {
      // the lock of the agent owning the directory (dir_lock.ts)
    } else if (e.name === POSITION_FILE) {
      // read below, whatever it is
    } else if (destinationFileKind(e.name) === "position" && e.isFile) {
      // a push destination's own position (destination_positions.ts), read by openWal
    } else if (e.name === SENT_FILE || e.name.startsWith(DEST_SENT_PREFIX)) {
      // What was in flight when the last run stopped (sent_batches.ts), read by openWal. Anything
      // but a file there would make every write of it fail: it is set aside.
      if (options.repair && !e.isFile) await setAside(dir, e.name);
    } else if (
      e.name === POSITION_TMP || COMPACT_TMP.test(e.name) || destinationFileKind(e.name) === "tmp"
    ) {
      // A write cut short by a crash: the file it was to replace is intact. Anything else under
      // this name (a directory) would make the next write fail: it is set aside.
      if (options.repair && e.isFile) await Deno.remove(join(dir, e.name)).catch(() => {});
      else if (options.repair) await setAside(dir, e.name);
    } else {
      ignoredFiles.push(e.name);
      log.warn("Ignoring unexpected file {file} in the WAL directory {dir}", { file: e.name, dir });
    }
  }
  names.sort((a, b) => a.start - b.start);
  ignoredFiles.sort();

  const candidates: Candidate[] = [];
  for (const { start, name } of names) {
    const file = await Deno.open(join(dir, name), { read: true });
    try {
      candidates.push({ start, name, scan: await scanSegment(file, (await file.stat()).size) });
    } finally {
      file.close();
    }
  }
  const resolved = resolveOverlaps(candidates);
  const quarantinedFiles: string[] = [];
  for (const { candidate: c, over, why } of resolved.setAside) {
    const records = c.scan.offsets.length;
    log.warn(
      "WAL file {file} lies inside segment {segment} ({why}): set aside in {folder}; the log keeps every record of {segment} ({records} valid records in the file set aside)",
      { file: c.name, segment: over.name, why, folder: QUARANTINE_DIR, records },
    );
    quarantinedFiles.push(c.name);
    if (options.repair) await quarantine(dir, c.name);
  }

  for (const g of resolved.gaveWay) {
    log.warn(
      "WAL segment {segment} overlaps {file}, which holds more records found nowhere else: {segment} ends where {file} starts, losing {records} records ({samples} samples)",
      { segment: g.candidate.name, file: g.over.name, records: g.records, samples: g.samples },
    );
  }
  const index = new WalIndex();
  const lost = { records: 0, samples: 0, bytes: 0, unparsed: 0 };
  const count = (d: Damage) => {
    lost.records += d.records;
    lost.samples += d.samples;
    lost.bytes += d.end - d.start;
    lost.unparsed += d.unparsed;
  };
  for (const g of resolved.gaveWay) {
    lost.records += g.records;
    lost.samples += g.samples;
  }
  let truncatedBytes = 0;
  let missingSegments = 0;
  let missingBytes = 0;
  const kept = resolved.kept;
  for (let i = 0; i < kept.length; i++) {
    const { start, name } = kept[i]!;
    const path = join(dir, name);
    const scan = clipScan(kept[i]!.scan, resolved.sizes.get(kept[i]!)!);
    const isLast = i === kept.length - 1;
    const seg: IndexedSegment = {
      start,
      size: scan.size,
      offsets: scan.offsets.map((o) => start + o),
      sizes: scan.sizes,
      samples: scan.samples,
      totalSamples: scan.samples.reduce((a, b) => a + b, 0),
    };
    if (scan.compactedEnd !== null) seg.end = Math.max(scan.compactedEnd, start + scan.size);
    for (const c of scan.corrupt) {
      log.warn(
        "Skipped corrupt WAL data: {records} records ({samples} samples) by their headers, {bytes} bytes ({unparsed} unparsable) at offset {offset} in {segment}",
        { ...damageFields(c), offset: start + c.start, segment: name },
      );
      count(c);
    }
    if (scan.tailStart !== null) {
      const cut = scan.size - scan.tailStart;
      if (isLast) {
        truncatedBytes += cut;
        seg.size = scan.tailStart;
        log.warn("Cut a torn tail of {bytes} bytes from the WAL segment {segment}", {
          bytes: cut,
          segment: name,
        });
        if (options.repair) await Deno.truncate(path, scan.tailStart);
      } else {
        count(scan.tail!);
        log.warn(
          "Skipped a corrupt WAL segment end: {records} records ({samples} samples) by their headers, {bytes} bytes ({unparsed} unparsable) in {segment}",
          { ...damageFields(scan.tail!), segment: name },
        );
      }
    }
    const next = kept[i + 1];
    if (next && seg.end !== undefined && seg.end > next.start && start + seg.size <= next.start) {
      // A compacted segment whose recorded end passes the next segment: nothing overlaps on disk.
      seg.end = next.start;
      log.warn("WAL segment {segment} says it ends past the next one; using the next start", {
        segment: name,
      });
    } else if (next && segmentEnd(seg) < next.start) {
      missingSegments++;
      missingBytes += next.start - segmentEnd(seg);
      log.warn("WAL data missing between offsets {from} and {to}: {bytes} bytes lost", {
        from: segmentEnd(seg),
        to: next.start,
        bytes: next.start - segmentEnd(seg),
      });
    }
    index.segments.push(seg);
  }

  const pos = await readPosition(dir);
  const settled = settlePosition(index, pos, index.startOffset(0));
  const positionState: PositionState = settled.state;
  const pushPosition = settled.offset;
  if (settled.state === "clamped" && pos.state === "ok") {
    log.warn("The WAL push position {position} is past the log end {end}; using the end", {
      position: pos.offset,
      end: index.endOffset(),
    });
  } else if (pos.state === "corrupt") {
    log.warn("The WAL push position file is corrupt ({detail}); pushing again from {offset}", {
      detail: pos.detail,
      offset: pushPosition,
    });
    if (options.repair) {
      await setAside(dir, POSITION_FILE);
      await writePosition(dir, pushPosition);
    }
  }
  return {
    index,
    pushPosition,
    positionState,
    corruptRecords: lost.records,
    corruptSamples: lost.samples,
    corruptBytes: lost.bytes,
    corruptUnparsedBytes: lost.unparsed,
    missingBytes,
    truncatedBytes,
    missingSegments,
    ignoredFiles,
    quarantinedFiles,
  };
}

function damageFields(d: Damage) {
  return { records: d.records, samples: d.samples, bytes: d.end - d.start, unparsed: d.unparsed };
}

/** Moves `name` (if present) into quarantine/, logging where it went. */
async function setAside(dir: string, name: string): Promise<void> {
  try {
    await Deno.lstat(join(dir, name));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return;
    throw e;
  }
  const moved = await quarantine(dir, name);
  log.warn("Set {file} aside as {moved} in the WAL directory {dir}", { file: name, moved, dir });
}
