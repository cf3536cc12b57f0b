/**
 * @module The reference remote-write 1.0 `WriteRequest` encoder: straightforward, one series at a
 * time; the agent's fast encoders (`src/results/record_encoder.ts`, WAL compaction) must write
 * exactly its bytes.
 *
 * WriteRequest { repeated TimeSeries timeseries = 1; }
 * TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; }
 * Label        { string name = 1; string value = 2; }
 * Sample       { double value = 1; int64 timestamp = 2; }
 *
 * Because `timeseries` is a repeated top-level field, the concatenation of two encoded
 * WriteRequests is itself a valid WriteRequest holding both: the pusher joins WAL records that way.
 */
import type { Series } from "./record_series.ts";
import { int64Size, varintSize } from "../../src/results/proto_size.ts";
import { putInt64, putVarint } from "../../src/results/varint.ts";

const encoder = new TextEncoder();

/** A growable byte buffer with protobuf primitives. */
class Writer {
  buf = new Uint8Array(1024);
  len = 0;
  #view = new DataView(this.buf.buffer);

  ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.#view = new DataView(next.buffer);
  }

  varint(v: number): void {
    this.ensure(10);
    this.len = putVarint(this.buf, this.len, v);
  }

  /** int64 as varint; negative values take 10 bytes (two's complement). */
  int64(v: number): void {
    this.ensure(10);
    this.len = putInt64(this.buf, this.len, v);
  }

  /** The stale marker's exact bits (a JS NaN would not keep them). */
  staleNaN(): void {
    this.ensure(8);
    this.#view.setUint32(this.len, 0x00000002, true);
    this.#view.setUint32(this.len + 4, 0x7ff00000, true);
    this.len += 8;
  }

  double(v: number): void {
    this.ensure(8);
    this.#view.setFloat64(this.len, v, true);
    this.len += 8;
  }

  bytes(b: Uint8Array): void {
    this.varint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/**
 * Encodes samples as one `WriteRequest`, one TimeSeries per sample (series are not merged:
 * each record's samples are self-contained, which keeps WAL records independent).
 *
 * @example
 * ```ts
 * import { encodeWriteRequest } from "./remote_write.ts";
 * const body = encodeWriteRequest([
 *   { labels: [["__name__", "up"]], value: 1, timestampMs: 1700000000000 },
 * ]);
 * if (body[0] !== 0x0a) throw new Error("field 1, length-delimited");
 * ```
 */
export function encodeWriteRequest(series: readonly Series[]): Uint8Array {
  const w = new Writer();
  for (const s of series) {
    const labels = s.labels.map(([n, v]) => [encoder.encode(n), encoder.encode(v)] as const);
    let labelsSize = 0;
    const labelSizes: number[] = [];
    for (const [n, v] of labels) {
      const size = 1 + varintSize(n.length) + n.length + 1 + varintSize(v.length) + v.length;
      labelSizes.push(size);
      labelsSize += 1 + varintSize(size) + size;
    }
    const sampleSize = 1 + 8 + 1 + int64Size(s.timestampMs);
    const tsSize = labelsSize + 1 + varintSize(sampleSize) + sampleSize;
    w.varint(0x0a);
    w.varint(tsSize);
    labels.forEach(([n, v], i) => {
      w.varint(0x0a);
      w.varint(labelSizes[i]!);
      w.varint(0x0a);
      w.bytes(n);
      w.varint(0x12);
      w.bytes(v);
    });
    w.varint(0x12);
    w.varint(sampleSize);
    w.varint(0x09);
    if ((s as { stale?: true }).stale) w.staleNaN();
    else w.double(s.value);
    w.varint(0x10);
    w.int64(s.timestampMs);
  }
  return w.finish();
}
