/** @module Test helper: decodes remote-write `WriteRequest` bytes back into series (for assertions). */
import type { Series } from "./record_series.ts";
import { snappyUncompress } from "../../src/wal/snappy.ts";

const decoder = new TextDecoder();

class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array, readonly end = buf.length) {}
  varint(): number {
    let result = 0;
    let mul = 1;
    for (;;) {
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
  }
  sub(): Reader {
    const len = this.varint();
    const r = new Reader(this.buf, this.pos + len);
    r.pos = this.pos;
    this.pos += len;
    return r;
  }
}

/** A decoded sample; `stale` when its value has the exact stale-marker bits (JS NaNs lose them). */
export type DecodedSeries = Series & { stale?: true };

/** `WriteRequest` field tags: 1 `timeseries`, 3 `metadata` (both length-delimited). */
const TIMESERIES = 0x0a;
const METADATA = 0x1a;

/**
 * Decodes an uncompressed `WriteRequest` into one Series per sample; its `metadata` entries (a
 * pusher's HELP/TYPE requests) are skipped, any other field is a SyntaxError.
 */
export function decodeWriteRequest(body: Uint8Array): DecodedSeries[] {
  const out: DecodedSeries[] = [];
  const r = new Reader(body);
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  while (r.pos < r.end) {
    const field = r.varint();
    if (field === METADATA) {
      r.sub();
      continue;
    }
    if (field !== TIMESERIES) throw new SyntaxError("Cannot decode WriteRequest: bad field");
    const ts = r.sub();
    const labels: [string, string][] = [];
    const samples: Array<{ value: number; timestampMs: number; stale?: true }> = [];
    while (ts.pos < ts.end) {
      const tag = ts.varint();
      const m = ts.sub();
      if (tag === 0x0a) {
        let name = "";
        let value = "";
        while (m.pos < m.end) {
          const t = m.varint();
          const s = m.sub();
          const text = decoder.decode(body.subarray(s.pos, s.end));
          if (t === 0x0a) name = text;
          else value = text;
        }
        labels.push([name, value]);
      } else {
        let value = 0;
        let timestampMs = 0;
        let stale = false;
        while (m.pos < m.end) {
          const t = m.varint();
          if (t === 0x09) {
            value = view.getFloat64(m.pos, true);
            stale = view.getUint32(m.pos, true) === 2 &&
              view.getUint32(m.pos + 4, true) === 0x7ff00000;
            m.pos += 8;
          } else timestampMs = m.varint();
        }
        samples.push(stale ? { value, timestampMs, stale } : { value, timestampMs });
      }
    }
    for (const s of samples) out.push({ labels, ...s });
  }
  return out;
}

/** Decompresses a WAL entry payload and decodes it. */
export function decodeCompressed(compressed: Uint8Array): DecodedSeries[] {
  return decodeWriteRequest(snappyUncompress(compressed));
}
