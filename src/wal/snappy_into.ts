/**
 * @module Snappy block decompression into a buffer the caller keeps and reuses: compaction reads
 * ~70 records of ~1.4 MB per 16 MiB segment, and a fresh buffer for each waits as garbage for
 * the next full collection (external memory, tens of MB). Format: a varint of the uncompressed
 * length, then elements, each a literal or a copy of earlier output (offset, length).
 */

/** The uncompressed length a snappy block states; throws on a bad varint. */
export function snappyLength(data: Uint8Array): number {
  let v = 0;
  for (let i = 0, mul = 1; i < 5 && i < data.length; i++, mul *= 128) {
    v += (data[i]! & 0x7f) * mul;
    if (data[i]! < 0x80) return v;
  }
  throw new SyntaxError("Cannot uncompress snappy: bad length");
}

/**
 * Decompresses the snappy block `data` into `out` (at least {@linkcode snappyLength} bytes) and
 * returns the uncompressed length; throws on a malformed block, never writing past that length.
 *
 * @example
 * ```ts
 * // One literal element, "hi": length 2, tag (2 - 1) << 2.
 * const out = new Uint8Array(8);
 * if (snappyUncompressInto(new Uint8Array([2, 4, 104, 105]), out) !== 2) throw new Error();
 * ```
 */
export function snappyUncompressInto(data: Uint8Array, out: Uint8Array): number {
  const length = snappyLength(data);
  if (length > out.length) throw new RangeError("Cannot uncompress snappy: buffer too small");
  let pos = 0;
  while (data[pos++]! >= 0x80);
  const bad = () => new SyntaxError("Cannot uncompress snappy: bad element");
  let o = 0;
  while (pos < data.length) {
    const tag = data[pos++]!;
    let len: number;
    let offset: number;
    switch (tag & 3) {
      case 0: { // literal: length - 1 in the tag, or in 1-4 bytes after it
        len = tag >>> 2;
        if (len >= 60) {
          const bytes = len - 59;
          if (pos + bytes > data.length) throw bad();
          len = 0;
          for (let i = 0; i < bytes; i++) len += data[pos + i]! * 2 ** (8 * i);
          pos += bytes;
        }
        len++;
        if (pos + len > data.length || o + len > length) throw bad();
        for (let i = 0; i < len; i++) out[o + i] = data[pos + i]!;
        pos += len;
        o += len;
        continue;
      }
      case 1: // copy, length 4-11, 11-bit offset
        if (pos + 1 > data.length) throw bad();
        len = 4 + ((tag >>> 2) & 7);
        offset = ((tag >>> 5) << 8) | data[pos++]!;
        break;
      case 2: // copy, length 1-64, 16-bit offset
        if (pos + 2 > data.length) throw bad();
        len = 1 + (tag >>> 2);
        offset = data[pos]! | (data[pos + 1]! << 8);
        pos += 2;
        break;
      default: // copy, length 1-64, 32-bit offset
        if (pos + 4 > data.length) throw bad();
        len = 1 + (tag >>> 2);
        offset = (data[pos]! | (data[pos + 1]! << 8) | (data[pos + 2]! << 16)) +
          data[pos + 3]! * 2 ** 24;
        pos += 4;
    }
    if (offset === 0 || offset > o || o + len > length) throw bad();
    // Byte by byte: a copy may overlap its own output (a run).
    for (let i = 0; i < len; i++, o++) out[o] = out[o - offset]!;
  }
  if (o !== length) throw new SyntaxError("Cannot uncompress snappy: length mismatch");
  return length;
}
