/** @module Type declarations for the snappyjs npm package (it ships none). */
/** Snappy block compression of a byte array. */
export function compress(data: Uint8Array): Uint8Array;
/** Snappy block decompression; `maxLength` bounds the output. */
export function uncompress(data: Uint8Array, maxLength?: number): Uint8Array;
