/** @module The in-memory map of a WAL: segments, their valid records and sample counts. */

/** One segment: where it starts, its size, and its valid records (absolute offsets). */
export interface IndexedSegment {
  /** Global offset of the segment's first byte (also its file name, zero-padded). */
  start: number;
  /** Bytes in the file that belong to the log. */
  size: number;
  offsets: number[];
  sizes: number[];
  samples: number[];
  /** Sum of `samples`. */
  totalSamples: number;
  /**
   * Set on a segment rewritten by compaction: the global offset where its logical range ends (the
   * next segment's start). The file is shorter than that; the bytes in between are an intended
   * hole, not lost data.
   */
  end?: number;
}

/** Global offset just past segment `s`: its logical end when compacted, else its last byte. */
export function segmentEnd(s: IndexedSegment): number {
  return s.end ?? s.start + s.size;
}

/** Where a record sits: segment index and record index within it. */
export interface RecordRef {
  seg: number;
  rec: number;
}

/** Segments in offset order with lookups by offset. Pure data; no I/O. */
export class WalIndex {
  /** Segments ordered by `start`. */
  readonly segments: IndexedSegment[] = [];

  /** Global offset just past the last byte of the log (`floor` when there are no segments). */
  endOffset(floor = 0): number {
    const last = this.segments.at(-1);
    return last ? Math.max(floor, segmentEnd(last)) : floor;
  }

  /** Offset of the first byte still on disk, or `fallback` when empty. */
  startOffset(fallback: number): number {
    return this.segments[0]?.start ?? fallback;
  }

  /** Total bytes in all segments. */
  bytes(): number {
    let n = 0;
    for (const s of this.segments) n += s.size;
    return n;
  }

  /** Count of valid records. */
  records(): number {
    let n = 0;
    for (const s of this.segments) n += s.offsets.length;
    return n;
  }

  /** Count of samples in valid records. */
  samples(): number {
    let n = 0;
    for (const s of this.segments) n += s.totalSamples;
    return n;
  }

  /** The first record starting at or after `offset`, or null. */
  find(offset: number): RecordRef | null {
    for (let seg = 0; seg < this.segments.length; seg++) {
      const s = this.segments[seg]!;
      if (segmentEnd(s) <= offset) continue;
      const rec = lowerBound(s.offsets, offset);
      if (rec < s.offsets.length) return { seg, rec };
    }
    return null;
  }

  /** Samples in records starting at or after `offset`. */
  samplesFrom(offset: number): number {
    let n = 0;
    for (const s of this.segments) {
      if (s.start >= offset) n += s.totalSamples;
      else if (segmentEnd(s) > offset) {
        for (let i = lowerBound(s.offsets, offset); i < s.offsets.length; i++) n += s.samples[i]!;
      }
    }
    return n;
  }

  /**
   * Where a reader continues after record `rec` of segment `seg`: just past it, or for the last
   * record of a compacted segment its logical end (so committing it releases the whole segment).
   */
  nextOffset(seg: number, rec: number): number {
    const s = this.segments[seg]!;
    if (s.end !== undefined && rec === s.offsets.length - 1) return s.end;
    return s.offsets[rec]! + s.sizes[rec]!;
  }

  /** Appends a written record to the last segment. */
  add(offset: number, size: number, samples: number): void {
    const s = this.segments.at(-1)!;
    s.offsets.push(offset);
    s.sizes.push(size);
    s.samples.push(samples);
    s.totalSamples += samples;
    s.size = offset + size - s.start;
  }
}

/** First index in ascending `xs` whose value is >= `x`. */
export function lowerBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
