/**
 * @module Regroups the samples of remote-write `WriteRequest`s by series for WAL compaction: each
 * label set is written once with all its samples in timestamp order, instead of once per sample.
 *
 * Samples are copied byte for byte (value and timestamp exactly as stored) and label sets are
 * compared as encoded bytes, so the output holds exactly the input's (labels, timestamp, value)
 * multiset. Anything this module did not write itself (exemplars, histograms, labels after samples)
 * makes {@linkcode SeriesGrouper.add} throw, and compaction leaves that segment as it is.
 */
import { putVarint } from "../results/varint.ts";

/** One encoded output record: an uncompressed `WriteRequest` and its sample count. */
export interface GroupedRecord {
  body: Uint8Array;
  samples: number;
}

interface Group {
  /** Where the encoded labels are in the pool, and their length (no buffer per group). */
  at: number;
  n: number;
  /** Timestamps of the samples, in arrival order. */
  ts: number[];
  /** Where each sample's `Sample` field (tag and length included) starts in the pool. */
  pos: number[];
}

/** Collects samples of many `WriteRequest`s, then encodes them grouped by series. */
export class SeriesGrouper {
  /** Groups by a hash of their encoded labels (collisions share a bucket). */
  #groups = new Map<number, Group[]>();
  #pool = new Uint8Array(1 << 16);
  #poolLen = 0;
  #samples = 0;

  /** Samples collected since the last {@linkcode drain}. */
  get samples(): number {
    return this.#samples;
  }

  /** Parses one uncompressed `WriteRequest` and keeps its samples; returns how many it had. */
  add(body: Uint8Array): number {
    let pos = 0;
    let count = 0;
    const end = body.length;
    const varint = (): number => {
      let v = 0;
      let mul = 1;
      for (let i = 0; i < 10; i++) {
        if (pos >= end) break;
        const b = body[pos++]!;
        v += (b & 0x7f) * mul;
        if (b < 0x80) return v;
        mul *= 128;
      }
      throw new SyntaxError("Cannot compact: bad varint");
    };
    while (pos < end) {
      if (body[pos++] !== 0x0a) {
        throw new SyntaxError("Cannot compact: unexpected WriteRequest field");
      }
      const tsLen = varint(); // (read before `pos`: varint() moves it)
      const tsEnd = pos + tsLen;
      if (tsEnd > end) throw new SyntaxError("Cannot compact: TimeSeries past the end");
      const labelStart = pos;
      while (pos < tsEnd && body[pos] === 0x0a) {
        pos++;
        const n = varint();
        pos += n;
      }
      const labelEnd = pos;
      if (labelEnd > tsEnd) throw new SyntaxError("Cannot compact: label past the end");
      let group: Group | undefined;
      while (pos < tsEnd) {
        const start = pos;
        if (body[pos++] !== 0x12) throw new SyntaxError("Cannot compact: unexpected field");
        const len = varint();
        const sEnd = pos + len;
        if (sEnd > tsEnd || len > 127) throw new SyntaxError("Cannot compact: bad Sample");
        let ts = 0;
        while (pos < sEnd) {
          const tag = body[pos++];
          if (tag === 0x09) pos += 8;
          else if (tag === 0x10) ts = varint();
          else throw new SyntaxError("Cannot compact: unexpected Sample field");
        }
        if (pos !== sEnd) throw new SyntaxError("Cannot compact: bad Sample length");
        if (!group) group = this.#group(body, labelStart, labelEnd);
        group.ts.push(ts);
        group.pos.push(this.#copy(body, start, sEnd));
        count++;
      }
    }
    this.#samples += count;
    return count;
  }

  #group(body: Uint8Array, from: number, to: number): Group {
    let h = 0x811c9dc5; // FNV-1a over the encoded labels
    for (let i = from; i < to; i++) h = Math.imul(h ^ body[i]!, 0x01000193);
    let bucket = this.#groups.get(h);
    if (!bucket) this.#groups.set(h, bucket = []);
    const pool = this.#pool;
    for (const g of bucket) {
      if (g.n !== to - from) continue;
      let i = 0;
      while (i < g.n && pool[g.at + i] === body[from + i]) i++;
      if (i === g.n) return g;
    }
    const g: Group = { at: this.#copy(body, from, to), n: to - from, ts: [], pos: [] };
    bucket.push(g);
    return g;
  }

  #copy(body: Uint8Array, from: number, to: number): number {
    const n = to - from;
    if (this.#poolLen + n > this.#pool.length) {
      const next = new Uint8Array(Math.max(this.#pool.length * 2, this.#poolLen + n));
      next.set(this.#pool.subarray(0, this.#poolLen));
      this.#pool = next;
    }
    const at = this.#poolLen;
    this.#pool.set(body.subarray(from, to), at);
    this.#poolLen += n;
    return at;
  }

  /**
   * Encodes everything collected as `WriteRequest`s of at most `maxRecordBytes` (a single sample
   * too large for that still gets a record), series in label-byte order, samples in timestamp
   * order (ties in arrival order), one record per step, and forgets it all once done. A series
   * is split across records only when it does not fit in one.
   */
  *drain(maxRecordBytes: number): Generator<GroupedRecord> {
    const pool = this.#pool;
    const groups = [...this.#groups.values()].flat().sort((a, b) => compareIn(pool, a, b));
    let buf = new Uint8Array(maxRecordBytes + 64);
    let len = 0;
    let samples = 0;
    for (const g of groups) {
      const order = sortedOrder(g.ts);
      const labels = pool.subarray(g.at, g.at + g.n);
      // A series that fits in a record of its own is not split across two: records of one window
      // then share no series, so the pusher may have them in flight together (series_keys.ts).
      let whole = 0;
      for (const p of g.pos) whole += 2 + pool[p + 1]!;
      if (samples > 0 && len + 6 + labels.length + whole > maxRecordBytes) {
        if (6 + labels.length + whole <= maxRecordBytes) {
          yield { body: buf.slice(0, len), samples };
          len = 0;
          samples = 0;
        }
      }
      for (let i = 0; i < order.length;) {
        // Take as many samples as fit in the current record (at least one in an empty record).
        const room = maxRecordBytes - len - 1 - 5 - labels.length;
        let body = 0;
        let j = i;
        while (j < order.length) {
          const size = 2 + pool[g.pos[order[j]!]! + 1]!;
          if (body + size > room && !(j === i && samples === 0)) break;
          body += size;
          j++;
        }
        if (j > i) {
          const tsSize = labels.length + body;
          if (len + 16 + tsSize > buf.length) {
            const next = new Uint8Array(len + 16 + tsSize);
            next.set(buf.subarray(0, len));
            buf = next;
          }
          buf[len++] = 0x0a;
          len = putVarint(buf, len, tsSize);
          buf.set(labels, len);
          len += labels.length;
          for (let k = i; k < j; k++) {
            const at = g.pos[order[k]!]!;
            const stop = at + 2 + pool[at + 1]!;
            for (let b = at; b < stop; b++) buf[len++] = pool[b]!;
          }
          samples += j - i;
          i = j;
        }
        if (i < order.length && samples > 0) {
          yield { body: buf.slice(0, len), samples };
          len = 0;
          samples = 0;
        }
      }
    }
    if (samples > 0) yield { body: buf.slice(0, len), samples };
    this.#groups.clear();
    this.#poolLen = 0;
    this.#samples = 0;
  }
}

/** Orders two groups' label bytes in `pool` lexicographically. */
function compareIn(pool: Uint8Array, a: Group, b: Group): number {
  const n = Math.min(a.n, b.n);
  for (let i = 0; i < n; i++) {
    const d = pool[a.at + i]! - pool[b.at + i]!;
    if (d !== 0) return d;
  }
  return a.n - b.n;
}

/** Indices of `ts` in ascending timestamp order, ties in arrival order. */
function sortedOrder(ts: readonly number[]): number[] {
  const order = Array.from(ts, (_, i) => i);
  let sorted = true;
  for (let i = 1; i < ts.length && sorted; i++) sorted = ts[i - 1]! <= ts[i]!;
  if (!sorted) order.sort((a, b) => ts[a]! - ts[b]! || a - b);
  return order;
}
