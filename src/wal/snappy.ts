/**
 * @module Snappy blocks (the remote-write and WAL payload format): compressed by our own
 * compressor (snappy_compress.ts, ~2-3x snappyjs' speed on remote-write bodies), decompressed by
 * snappyjs.
 */
// @ts-types="./snappyjs.d.ts"
import * as snappy from "snappyjs";
import { compressSnappy } from "./snappy_compress.ts";

/** Snappy block-compresses `data`. */
export function snappyCompress(data: Uint8Array): Uint8Array {
  return compressSnappy(data);
}

/** Decompresses a snappy block; throws on malformed input or when it would exceed `maxLength`. */
export function snappyUncompress(data: Uint8Array, maxLength?: number): Uint8Array {
  return snappy.uncompress(data, maxLength);
}
