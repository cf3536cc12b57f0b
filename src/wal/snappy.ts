/**
 * @module Snappy blocks (the remote-write and WAL payload format): compressed by our own
 * compressor (snappy_compress.ts, ~2-3x snappyjs' speed on remote-write bodies), decompressed by
 * our own strict decoder (snappy_into.ts). snappyjs' decoder is not used: it reads a literal's
 * 4-byte length as a signed Int32 (a length at or above 2^31 steps back, and can loop for ever)
 * and returns a block that decodes short of its stated length padded with zeros.
 */
import { compressSnappy } from "./snappy_compress.ts";
import { snappyLength, snappyUncompressInto } from "./snappy_into.ts";

/** The most bytes a snappy block may state (as Go's decoder allows). */
const MAX_BLOCK = 0xffffffff;

/** Snappy block-compresses `data`. */
export function snappyCompress(data: Uint8Array): Uint8Array {
  return compressSnappy(data);
}

/**
 * Decompresses a snappy block; throws on malformed input (`SyntaxError`) or when it states more
 * than `maxLength` bytes (`RangeError`, before anything is allocated).
 */
export function snappyUncompress(data: Uint8Array, maxLength = MAX_BLOCK): Uint8Array {
  const length = snappyLength(data);
  const most = Math.min(maxLength, MAX_BLOCK);
  if (length > most) {
    throw new RangeError(`Cannot uncompress snappy: ${length} bytes, more than ${most}`);
  }
  const out = new Uint8Array(length);
  snappyUncompressInto(data, out);
  return out;
}
