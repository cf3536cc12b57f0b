/**
 * @module Appends remote-write `TimeSeries` of one sample each to one growable buffer, reused
 * across calls: a job's label fields with `__name__` (and a series' own labels) in sorted place,
 * then the sample. Job label runs are copied by range, never re-encoded.
 */
import type { JobFields, LabelField } from "./label_fields.ts";
import { varintSize } from "./proto_size.ts";
import { putInt64, putVarint } from "./varint.ts";

/** Prometheus' staleness marker: a NaN with this exact bit pattern (high word, low word). */
export const STALE_NAN_BITS = [0x7ff00000, 0x00000002] as const;

/** One buffer of TimeSeries fields. */
export interface SeriesWriter {
  /** Empties the buffer (keeping its memory). */
  reset(): void;
  /**
   * Appends one TimeSeries: `job`'s labels with `name` (the `__name__` field) or, when the
   * series has labels of its own, with `all` (its own with `__name__`, sorted; one of them wins
   * over a job label of the same name); the value is the stale marker when `stale`. Positional
   * arguments: this runs once per sample and allocates nothing.
   */
  write(
    job: JobFields,
    name: Uint8Array,
    all: readonly LabelField[] | undefined,
    value: number,
    ts: number,
    stale: boolean,
  ): void;
  /** A copy of what was written since the last reset. */
  take(): Uint8Array;
  /** What was written since the last reset, in the writer's own buffer: valid until it writes again. */
  view(): Uint8Array;
}

/** A writer whose buffer starts at 64 KiB and doubles as needed. */
export function createSeriesWriter(): SeriesWriter {
  let buf = new Uint8Array(64 * 1024);
  let view = new DataView(buf.buffer);
  let len = 0;
  // Every sample of a record has its timestamp: its varint is made once, then copied.
  let tsOf = NaN;
  const tsBytes = new Uint8Array(10);
  let tsLen = 0;

  const ensure = (n: number) => {
    if (len + n <= buf.length) return;
    let size = buf.length * 2;
    while (size < len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(buf.subarray(0, len));
    buf = next;
    view = new DataView(buf.buffer);
  };

  /**
   * The labels of a series with its own: the job's runs between `all`'s fields, copied by range
   * (no view per run). Returns the bytes; writes them at `len` when `write`.
   */
  const walk = (job: JobFields, all: readonly LabelField[], write: boolean): number => {
    const { names, starts, bytes: base } = job;
    let total = 0;
    let i = 0;
    let run = 0;
    for (const e of all) {
      while (i < names.length && names[i]! < e.name) i++;
      const to = starts[i]!;
      if (write) {
        copyRun(base, run, to);
        buf.set(e.field, len);
        len += e.field.length;
      }
      total += to - run + e.field.length;
      if (names[i] === e.name) i++;
      run = starts[i]!;
    }
    if (write) copyRun(base, run, base.length);
    return total + base.length - run;
  };

  /**
   * Appends `from[start, end)` byte by byte: a `subarray` for a native copy is an object (~100 B)
   * per run, two or three per sample of a series with labels of its own, ~1.5 KB of garbage per
   * ICMP record; a job's label runs are short enough (tens of bytes) for the loop.
   */
  const copyRun = (from: Uint8Array, start: number, end: number) => {
    for (let k = start; k < end; k++) buf[len++] = from[k]!;
  };

  return {
    reset() {
      len = 0;
    },
    write(job, name, all, value, ts, stale) {
      if (ts !== tsOf) {
        tsOf = ts;
        tsLen = putInt64(tsBytes, 0, ts);
      }
      const sampleSize = 1 + 8 + 1 + tsLen;
      if (!all) {
        const tsSize = name.length + job.bytes.length + 1 + varintSize(sampleSize) + sampleSize;
        ensure(1 + 10 + tsSize);
        buf[len++] = 0x0a;
        len = putVarint(buf, len, tsSize);
        // The job's fields with `__name__` put in at `nameAt`, by native copies and no view: all
        // of them, then the part after `nameAt` moved up to make room for the name.
        const bytes = job.bytes, at = job.nameAt;
        buf.set(bytes, len);
        if (at < bytes.length) buf.copyWithin(len + at + name.length, len + at, len + bytes.length);
        buf.set(name, len + at);
        len += bytes.length + name.length;
      } else {
        // Walked twice: size, then bytes.
        const tsSize = walk(job, all, false) + 1 + varintSize(sampleSize) + sampleSize;
        ensure(1 + 10 + tsSize);
        buf[len++] = 0x0a;
        len = putVarint(buf, len, tsSize);
        walk(job, all, true);
      }
      buf[len++] = 0x12;
      len = putVarint(buf, len, sampleSize);
      buf[len++] = 0x09;
      if (stale) {
        view.setUint32(len, STALE_NAN_BITS[1], true);
        view.setUint32(len + 4, STALE_NAN_BITS[0], true);
      } else {
        view.setFloat64(len, value, true);
      }
      len += 8;
      buf[len++] = 0x10;
      for (let k = 0; k < tsLen; k++) buf[len++] = tsBytes[k]!;
    },
    take: () => buf.slice(0, len),
    view: () => buf.subarray(0, len),
  };
}
