/**
 * @module Which of several segment files whose byte ranges overlap on disk holds the log. Only one
 * file can own an offset; a file named inside another's range is either junk (empty, garbage) or
 * a copy, and must never cost the records of the segment it lands in. Pure: no I/O.
 */
import type { SegmentScan } from "./segment_scan.ts";

/** A segment file found in the WAL directory, scanned. */
export interface Candidate {
  /** Global offset of the first byte (the file name). */
  start: number;
  name: string;
  scan: SegmentScan;
}

/** A file that loses an overlap: it is set aside (moved to `quarantine/`), never deleted. */
export interface SetAside {
  candidate: Candidate;
  /** The kept segment it overlaps. */
  over: Candidate;
  /** Why it lost: it holds no valid record, or its records conflict with the kept segment's. */
  why: "no_valid_record" | "conflict";
}

/** The outcome: files kept in offset order, where kept files end, files set aside. */
export interface Resolution {
  kept: Candidate[];
  /** Bytes of a kept file that belong to the log (its size, or less where a later file starts). */
  sizes: Map<Candidate, number>;
  setAside: SetAside[];
  gaveWay: GaveWay[];
}

/** A kept file cut short where a file with more records found nowhere else starts. */
export interface GaveWay {
  candidate: Candidate;
  over: Candidate;
  /** Valid records of `candidate` wholly past the cut, and their samples: lost. */
  records: number;
  samples: number;
}

/**
 * Resolves on-disk overlaps between `candidates` (sorted by start). When a file B starts inside the
 * kept file A before it:
 * - B is set aside if it holds no valid record;
 * - A ends where B starts (B kept) if no valid record of A reaches past B's start (A's bytes
 *   there are damage);
 * - otherwise both hold valid records there. The file that fits the chain of segments better is
 *   kept: a real segment starts where another file ends and ends where another starts, a planted
 *   or copied one rarely does either. On a tie, the one that would lose fewer records found in no
 *   other file (a copy costs nothing: its records are still in the original); then A. When B wins,
 *   A ends where B starts and its records past that point are lost (and counted); when A wins, B
 *   is set aside whole, never deleted.
 *
 * @example A file planted inside a segment of 3 records of 100 bytes is set aside
 * ```ts
 * import assert from "node:assert/strict";
 * const scan = (offsets: number[], size: number) => ({
 *   size, offsets, sizes: offsets.map(() => 100), samples: offsets.map(() => 1), checksums: offsets,
 *   corrupt: [], tailStart: null, tail: null, compactedEnd: null,
 * });
 * const a = { start: 0, name: "a", scan: scan([0, 100, 200], 300) };
 * const b = { start: 150, name: "b", scan: scan([], 0) };
 * const r = resolveOverlaps([a, b]);
 * assert.deepEqual([r.kept.length, r.setAside[0]?.why], [1, "no_valid_record"]);
 * ```
 */
export function resolveOverlaps(candidates: readonly Candidate[]): Resolution {
  const kept: Candidate[] = [];
  const sizes = new Map<Candidate, number>();
  const setAside: SetAside[] = [];
  const gaveWay: GaveWay[] = [];
  const weigh = weigher(candidates);
  for (const b of candidates) {
    const a = kept.at(-1);
    const hole = a !== undefined && b.start < (a.scan.compactedEnd ?? 0);
    if (hole && b.scan.offsets.length === 0 && b.start >= a.start + sizes.get(a)!) {
      // Inside the range a compacted segment gave up on disk: nothing to gain from it.
      setAside.push({ candidate: b, over: a, why: "no_valid_record" });
      continue;
    }
    if (!a || b.start >= a.start + sizes.get(a)!) {
      kept.push(b);
      sizes.set(b, b.scan.size);
      continue;
    }
    const cut = b.start - a.start;
    const reach = a.scan.offsets.findIndex((o, k) => o + a.scan.sizes[k]! > cut);
    if (b.scan.offsets.length === 0) {
      setAside.push({ candidate: b, over: a, why: "no_valid_record" });
      continue;
    }
    if (reach >= 0 && !weigh.bWins(a, reach, b)) {
      setAside.push({ candidate: b, over: a, why: "conflict" });
      continue;
    }
    if (reach >= 0) {
      let records = 0;
      let samples = 0;
      for (let k = reach; k < a.scan.offsets.length; k++) {
        if (a.scan.offsets[k]! < cut) continue; // the one cut in two is counted as damage
        records++;
        samples += a.scan.samples[k]!;
      }
      gaveWay.push({ candidate: a, over: b, records, samples });
    }
    sizes.set(a, cut);
    kept.push(b);
    sizes.set(b, b.scan.size);
  }
  return { kept, sizes, setAside, gaveWay };
}

/** Decides conflicts between two files that both hold valid records where they overlap. */
function weigher(candidates: readonly Candidate[]) {
  const starts = new Set(candidates.map((c) => c.start));
  const endsAt = new Map<number, Candidate[]>();
  for (const c of candidates) {
    const end = c.start + c.scan.size;
    endsAt.set(end, [...(endsAt.get(end) ?? []), c]);
  }
  /** 0-2: whether `c` starts where another file ends, and ends where another starts. */
  const fit = (c: Candidate) =>
    Number((endsAt.get(c.start) ?? []).some((x) => x !== c)) +
    Number(starts.has(c.start + c.scan.size) || starts.has(c.scan.compactedEnd ?? -1));
  // How many files hold each valid record (by checksum and size).
  const copies = new Map<string, number>();
  const key = (c: Candidate, k: number) => `${c.scan.checksums[k]}:${c.scan.sizes[k]}`;
  for (const c of candidates) {
    for (let k = 0; k < c.scan.offsets.length; k++) {
      copies.set(key(c, k), (copies.get(key(c, k)) ?? 0) + 1);
    }
  }
  const unique = (c: Candidate, from: number) => {
    let n = 0;
    for (let k = from; k < c.scan.offsets.length; k++) if (copies.get(key(c, k)) === 1) n++;
    return n;
  };
  return {
    /** Whether B wins over A, whose records from `reach` on would be lost. */
    bWins(a: Candidate, reach: number, b: Candidate): boolean {
      const fa = fit(a);
      const fb = fit(b);
      if (fa !== fb) return fb > fa;
      return unique(b, 0) > unique(a, reach);
    },
  };
}
