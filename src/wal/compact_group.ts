/**
 * @module Regroups the samples of remote-write `WriteRequest`s by series for WAL compaction: each
 * label set is written once with all its samples in timestamp order, instead of once per sample.
 *
 * Samples are copied byte for byte (value and timestamp exactly as stored) and label sets are
 * compared as encoded bytes, so the output holds exactly the input's (labels, timestamp, value)
 * multiset. Anything this module did not write itself (exemplars, histograms, labels after samples)
 * makes {@linkcode SeriesGrouper.add} throw, and compaction leaves that segment as it is.
 *
 * Memory: no object per series or sample. The bytes sit in 1 MiB chunks (byte_pool.ts), the
 * series in a hash table of typed arrays (series_table.ts), and per sample 20 bytes of typed
 * arrays (timestamp, position, series id, then its place in a counting sort by series). A window
 * of 200,000 samples over 140,000 ICMP series holds ~35 MB, all of it reused by the next window.
 */
import { putVarint } from "../results/varint.ts";
import { BytePool, POOL_MASK, POOL_SHIFT } from "./byte_pool.ts";
import { grown, SeriesTable } from "./series_table.ts";

/** One encoded output record: an uncompressed `WriteRequest` and its sample count. */
export interface GroupedRecord {
  body: Uint8Array;
  samples: number;
}

/** Collects samples of many `WriteRequest`s, then encodes them grouped by series. */
export class SeriesGrouper {
  /** Label sets and sample fields, copied byte for byte (no buffer per series or sample). */
  #pool = new BytePool();
  #series = new SeriesTable();
  /** Per sample, in arrival order: its timestamp, where its `Sample` field starts, its series. */
  #ts = new Float64Array(1024);
  #pos = new Int32Array(1024);
  #sid = new Int32Array(1024);
  #samples = 0;

  /** Samples collected since the last {@linkcode drain}. */
  get samples(): number {
    return this.#samples;
  }

  /** Distinct series collected since the last {@linkcode drain}. */
  get series(): number {
    return this.#series.size;
  }

  /** Bytes of label sets and samples collected since the last {@linkcode drain}. */
  get poolBytes(): number {
    return this.#pool.length;
  }

  /** Bytes of buffers this grouper holds (kept from window to window, grown as needed). */
  get bytes(): number {
    const scratch = this.#first.length + this.#order.length + this.#fill.length;
    return this.#pool.capacity + this.#series.bytes + this.#ts.length * 16 + scratch * 4;
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
      let sid = -1;
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
        if (sid < 0) sid = this.#seriesOf(body, labelStart, labelEnd);
        const k = this.#samples + count;
        if (k >= this.#ts.length) {
          this.#ts = grown(this.#ts, k + 1);
          this.#pos = grown(this.#pos, k + 1);
          this.#sid = grown(this.#sid, k + 1);
        }
        this.#ts[k] = ts;
        this.#pos[k] = this.#pool.copy(body, start, sEnd);
        this.#sid[k] = sid;
        count++;
      }
    }
    this.#samples += count;
    return count;
  }

  #seriesOf(body: Uint8Array, from: number, to: number): number {
    const id = this.#series.find(this.#pool, body, from, to);
    if (id >= 0) return id;
    return this.#series.insert(this.#pool.copy(body, from, to), to - from);
  }

  /**
   * Encodes everything collected as `WriteRequest`s of at most `maxRecordBytes` (a single sample
   * too large for that still gets a record), series in label-byte order, samples in timestamp
   * order (ties in arrival order), one record per step, and forgets it all once done. A series
   * is split across records only when it does not fit in one. With `views`, each body is a view
   * of one buffer that the next step overwrites (no new buffer per record).
   */
  *drain(maxRecordBytes: number, options: { views?: boolean } = {}): Generator<GroupedRecord> {
    const out = (n: number) => options.views ? buf.subarray(0, n) : buf.slice(0, n);
    const { chunks } = this.#pool;
    const { at: labelAt, len: labelLen } = this.#series;
    const nSeries = this.#series.size;
    const nSamples = this.#samples;
    // Each series' samples, contiguous in arrival order: a counting sort of the samples by series.
    const first = this.#first = grown(this.#first, nSeries + 1);
    first.fill(0, 0, nSeries + 1);
    const sid = this.#sid;
    for (let k = 0; k < nSamples; k++) first[sid[k]! + 1]!++;
    for (let g = 0; g < nSeries; g++) first[g + 1]! += first[g]!;
    const order = this.#order = grown(this.#order, nSamples);
    const fill = this.#fill = grown(this.#fill, nSeries);
    fill.set(first.subarray(0, nSeries));
    for (let k = 0; k < nSamples; k++) order[fill[sid[k]!]!++] = k;
    const series = this.#fill; // reused: the series in label-byte order
    for (let g = 0; g < nSeries; g++) series[g] = g;
    series.subarray(0, nSeries).sort((a, b) => {
      const an = labelLen[a]!, bn = labelLen[b]!, aa = labelAt[a]!, ba = labelAt[b]!;
      const n = Math.min(an, bn);
      const ac = chunks[aa >>> POOL_SHIFT]!, ao = aa & POOL_MASK;
      const bc = chunks[ba >>> POOL_SHIFT]!, bo = ba & POOL_MASK;
      for (let i = 0; i < n; i++) {
        const d = ac[ao + i]! - bc[bo + i]!;
        if (d !== 0) return d;
      }
      return an - bn;
    });
    const ts = this.#ts;
    const pos = this.#pos;
    let buf = new Uint8Array(maxRecordBytes + 64);
    let len = 0;
    let samples = 0;
    for (let s = 0; s < nSeries; s++) {
      const g = series[s]!;
      const from = first[g]!;
      const to = first[g + 1]!;
      sortByTime(order.subarray(from, to), ts);
      const labelFrom = labelAt[g]!;
      const labelBytes = labelLen[g]!;
      // A series that fits in a record of its own is not split across two: records of one window
      // then share no series, so the pusher may have them in flight together (series_keys.ts).
      let whole = 0;
      for (let k = from; k < to; k++) whole += 2 + byteAt(chunks, pos[order[k]!]! + 1);
      if (samples > 0 && len + 6 + labelBytes + whole > maxRecordBytes) {
        if (6 + labelBytes + whole <= maxRecordBytes) {
          yield { body: out(len), samples };
          len = 0;
          samples = 0;
        }
      }
      for (let i = from; i < to;) {
        // Take as many samples as fit in the current record (at least one in an empty record).
        const room = maxRecordBytes - len - 1 - 5 - labelBytes;
        let body = 0;
        let j = i;
        while (j < to) {
          const size = 2 + byteAt(chunks, pos[order[j]!]! + 1);
          if (body + size > room && !(j === i && samples === 0)) break;
          body += size;
          j++;
        }
        if (j > i) {
          const tsSize = labelBytes + body;
          if (len + 16 + tsSize > buf.length) {
            const next = new Uint8Array(len + 16 + tsSize);
            next.set(buf.subarray(0, len));
            buf = next;
          }
          buf[len++] = 0x0a;
          len = putVarint(buf, len, tsSize);
          len = copyOut(chunks, labelFrom, labelBytes, buf, len);
          for (let k = i; k < j; k++) {
            const at = pos[order[k]!]!;
            len = copyOut(chunks, at, 2 + byteAt(chunks, at + 1), buf, len);
          }
          samples += j - i;
          i = j;
        }
        if (i < to && samples > 0) {
          yield { body: out(len), samples };
          len = 0;
          samples = 0;
        }
      }
    }
    if (samples > 0) yield { body: out(len), samples };
    this.#series.clear();
    this.#pool.clear();
    this.#samples = 0;
  }

  /** Scratch of drain(), kept for the next window: series starts, samples by series, a cursor. */
  #first = new Int32Array(1024);
  #order = new Int32Array(1024);
  #fill = new Int32Array(1024);
}

/** The byte at position `at` of a pool's chunks (`at` inside a piece). */
function byteAt(chunks: readonly Uint8Array[], at: number): number {
  return chunks[at >>> POOL_SHIFT]![at & POOL_MASK]!;
}

/** Copies the piece of `n` bytes at `at` of a pool's chunks into `buf` at `len`; returns the end. */
function copyOut(
  chunks: readonly Uint8Array[],
  at: number,
  n: number,
  buf: Uint8Array,
  len: number,
): number {
  const c = chunks[at >>> POOL_SHIFT]!;
  const off = at & POOL_MASK;
  for (let i = 0; i < n; i++) buf[len + i] = c[off + i]!;
  return len + n;
}

/** Sorts sample indices `order` by timestamp `ts`, ties in arrival (index) order, in place. */
function sortByTime(order: Int32Array, ts: Float64Array): void {
  for (let i = 1; i < order.length; i++) {
    if (ts[order[i - 1]!]! > ts[order[i]!]!) {
      order.sort((a, b) => ts[a]! - ts[b]! || a - b);
      return;
    }
  }
}
