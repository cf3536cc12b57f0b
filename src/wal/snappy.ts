/** @module Typed access to snappyjs block compression (the remote-write and WAL payload format). */
// @ts-types="./snappyjs.d.ts"
import * as snappy from "snappyjs";

/** Snappy block-compresses `data`. */
export function snappyCompress(data: Uint8Array): Uint8Array {
  return snappy.compress(data);
}

/** Decompresses a snappy block; throws on malformed input or when it would exceed `maxLength`. */
export function snappyUncompress(data: Uint8Array, maxLength?: number): Uint8Array {
  return snappy.uncompress(data, maxLength);
}
