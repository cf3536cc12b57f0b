/** @module Encoded sizes of protobuf scalars, shared by the remote-write encoders. */

/** Bytes of `v` (a non-negative integer) as a protobuf varint. */
export function varintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 0x80);
    n++;
  }
  return n;
}

/** Bytes of an `int64` field value: negative numbers always take 10. */
export function int64Size(v: number): number {
  return v >= 0 ? varintSize(v) : 10;
}
