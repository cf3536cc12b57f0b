/**
 * @module Scans one segment file frame by frame: valid records, skipped corrupt regions, torn tail.
 * Reads in bounded windows, so a huge or hostile file never has to fit in memory.
 */
import {
  checkCompactedMarker,
  checkFrame,
  FRAME_HEADER,
  type FrameCheck,
  isSamplesType,
  MARKER_SIZE,
  MAX_PAYLOAD,
} from "./frame.ts";

/** Records and damage found in one segment; offsets are relative to the segment start. */
export interface SegmentScan {
  /** File size in bytes. */
  size: number;
  /** Start offsets of the valid records, ascending. */
  offsets: number[];
  /** Frame sizes (header included) of the valid records. */
  sizes: number[];
  /** Sample counts of the valid records. */
  samples: number[];
  /** Checksums of the valid records (with `sizes`, to tell copies of a record from others). */
  checksums: number[];
  /** Damaged regions `[start, end)` with a valid record after them: skipped and counted. */
  corrupt: Damage[];
  /** Start of damage that runs to the end of the file (a torn or zero-filled tail), if any. */
  tailStart: number | null;
  /** That tail, counted like `corrupt` (a torn last record counts as one). */
  tail: Damage | null;
  /** For a segment rewritten by compaction: the global offset its logical range ends at. */
  compactedEnd: number | null;
}

/** A frame header that still parses inside damage: a damaged record and the samples it says. */
export interface DamagedFrame {
  at: number;
  size: number;
  samples: number;
}

/** A damaged region and what it cost, as far as the frame headers inside it tell. */
export interface Damage {
  start: number;
  end: number;
  /** Records whose headers parse in a chain from `start` (each lost). */
  records: number;
  /** Samples those headers state. */
  samples: number;
  /** Bytes after the chain breaks: lost records whose number cannot be known. */
  unparsed: number;
  /** The header chain from `start` (the last one may run past `end`). */
  frames: DamagedFrame[];
}

/**
 * Counts `[start, end)` by its header chain `frames`: every frame that fits, and with `torn` (the
 * region ends where the file does) a last frame cut by the end; the rest is `unparsed`.
 */
export function countDamage(
  start: number,
  end: number,
  frames: readonly DamagedFrame[],
  torn: boolean,
): Damage {
  let p = start;
  let records = 0;
  let samples = 0;
  const used: DamagedFrame[] = [];
  for (const f of frames) {
    if (f.at !== p || p >= end) break;
    if (f.at + f.size > end && !torn) break;
    records++;
    samples += f.samples;
    used.push(f);
    p = Math.min(end, f.at + f.size);
  }
  return { start, end, records, samples, unparsed: end - p, frames: used };
}

const CHUNK = 4 * 1024 * 1024;

/** A sliding read window over an open file. */
class Window {
  buf = new Uint8Array(0);
  start = 0;
  constructor(readonly file: Deno.FsFile, readonly fileSize: number) {}

  /** Makes `[pos, pos+n)` (clipped to the file) available in `buf`. */
  async ensure(pos: number, n: number): Promise<void> {
    const end = Math.min(this.fileSize, pos + n);
    if (pos >= this.start && end <= this.start + this.buf.length) return;
    const len = Math.min(this.fileSize - pos, Math.max(n, CHUNK));
    const buf = new Uint8Array(len);
    await this.file.seek(pos, Deno.SeekMode.Start);
    let got = 0;
    while (got < len) {
      const r = await this.file.read(buf.subarray(got));
      if (r === null) break;
      got += r;
    }
    this.buf = got === len ? buf : buf.subarray(0, got);
    this.start = pos;
  }

  /** Checks a frame at absolute `pos`, loading as much of the file as it needs. */
  async check(pos: number): Promise<FrameCheck> {
    await this.ensure(pos, FRAME_HEADER);
    let c = checkFrame(this.buf, pos - this.start, this.fileSize - this.start);
    if (c.kind === "short") {
      const view = new DataView(this.buf.buffer, this.buf.byteOffset);
      const length = view.getUint32(pos - this.start, true);
      await this.ensure(pos, FRAME_HEADER + length);
      c = checkFrame(this.buf, pos - this.start, this.fileSize - this.start);
    }
    return c.kind === "short" ? { kind: "bad" } : c;
  }
}

/** The chain of frame headers that parse from `start`, up to `end` (the last may run past it). */
async function headerChain(win: Window, start: number, end: number): Promise<DamagedFrame[]> {
  const out: DamagedFrame[] = [];
  for (let p = start; p + FRAME_HEADER <= end;) {
    await win.ensure(p, FRAME_HEADER + 4);
    const i = p - win.start;
    const buf = win.buf;
    if (!isSamplesType(buf[i + 8])) break;
    const length = (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24)) >>> 0;
    if (length < 5 || length > MAX_PAYLOAD) break;
    const samples = p + FRAME_HEADER + 4 <= end
      ? (buf[i + 9]! | (buf[i + 10]! << 8) | (buf[i + 11]! << 16) | (buf[i + 12]! << 24)) >>> 0
      : 0;
    out.push({ at: p, size: FRAME_HEADER + length, samples });
    p += FRAME_HEADER + length;
  }
  return out;
}

/** Finds the next offset after `from` where a whole valid frame starts, or -1. */
async function resync(win: Window, from: number): Promise<number> {
  let p = from;
  const size = win.fileSize;
  while (p + FRAME_HEADER <= size) {
    await win.ensure(p, FRAME_HEADER);
    const buf = win.buf;
    const base = win.start;
    const stop = Math.min(base + buf.length - FRAME_HEADER, size - FRAME_HEADER);
    for (; p <= stop; p++) {
      const i = p - base;
      if (!isSamplesType(buf[i + 8])) continue;
      const length = (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24)) >>>
        0;
      if (length < 5 || length > MAX_PAYLOAD || p + FRAME_HEADER + length > size) continue;
      if ((await win.check(p)).kind === "ok") return p;
      break; // the window moved: re-enter with the fresh one
    }
    if (p <= stop) p++;
    else if (p + FRAME_HEADER > size) break;
  }
  return -1;
}

/** Scans the open segment `file` of `size` bytes. Never throws on content, only on I/O. */
export async function scanSegment(file: Deno.FsFile, size: number): Promise<SegmentScan> {
  const out: SegmentScan = {
    size,
    offsets: [],
    sizes: [],
    samples: [],
    checksums: [],
    corrupt: [],
    tailStart: null,
    tail: null,
    compactedEnd: null,
  };
  const win = new Window(file, size);
  let pos = 0;
  if (size >= MARKER_SIZE) {
    await win.ensure(0, MARKER_SIZE);
    out.compactedEnd = checkCompactedMarker(win.buf.subarray(0, MARKER_SIZE));
    if (out.compactedEnd !== null) pos = MARKER_SIZE;
  }
  while (pos < size) {
    const c = await win.check(pos);
    if (c.kind === "ok") {
      out.offsets.push(pos);
      out.sizes.push(c.size);
      out.samples.push(c.samples);
      out.checksums.push(
        new DataView(win.buf.buffer, win.buf.byteOffset).getUint32(pos - win.start + 4, true),
      );
      pos += c.size;
      continue;
    }
    const next = await resync(win, pos + 1);
    if (next < 0) {
      out.tailStart = pos;
      out.tail = countDamage(pos, size, await headerChain(win, pos, size), true);
      break;
    }
    out.corrupt.push(countDamage(pos, next, await headerChain(win, pos, next), false));
    pos = next;
  }
  return out;
}

/**
 * `scan` as if the file ended at `size` (a later segment starts there): records past it dropped,
 * damage clipped, and damage that now runs to the new end becomes the tail.
 */
export function clipScan(scan: SegmentScan, size: number): SegmentScan {
  if (size >= scan.size) return scan;
  const keep = scan.offsets.findIndex((o, k) => o + scan.sizes[k]! > size);
  const n = keep < 0 ? scan.offsets.length : keep;
  const corrupt = scan.corrupt.filter((c) => c.end <= size);
  const lastEnd = n > 0 ? scan.offsets[n - 1]! + scan.sizes[n - 1]! : 0;
  const damageEnd = Math.max(
    lastEnd,
    corrupt.at(-1)?.end ?? 0,
    scan.compactedEnd === null ? 0 : MARKER_SIZE,
  );
  // The damage that spanned the new end starts at `damageEnd`; its header chain still applies.
  const spanning = [...scan.corrupt, ...(scan.tail ? [scan.tail] : [])]
    .find((d) => d.start === damageEnd);
  // Or a valid record cut in two: one record lost, as a torn one.
  const straddler = keep >= 0 && scan.offsets[keep]! === damageEnd
    ? [{ at: damageEnd, size: scan.sizes[keep]!, samples: scan.samples[keep]! }]
    : [];
  const tail = damageEnd < size
    ? countDamage(damageEnd, size, spanning?.frames ?? straddler, !spanning && straddler.length > 0)
    : null;
  return {
    size,
    offsets: scan.offsets.slice(0, n),
    sizes: scan.sizes.slice(0, n),
    samples: scan.samples.slice(0, n),
    checksums: scan.checksums.slice(0, n),
    corrupt,
    tailStart: damageEnd < size ? damageEnd : null,
    tail,
    compactedEnd: scan.compactedEnd,
  };
}
