/**
 * @module The one protobuf varint writer, beside `proto_size.ts` (which says how many bytes it
 * writes). Used by the remote-write encoders, WAL compaction and the snappy block joiner.
 */

/**
 * Writes `v` (a non-negative integer up to 2^53) as a varint into `buf` at `at` and returns the
 * offset after it. The caller makes room: at most `varintSize(v)` ≤ 8 bytes.
 *
 * @example
 * ```ts
 * import { putVarint } from "./varint.ts";
 * const buf = new Uint8Array(4);
 * const end = putVarint(buf, 0, 300); // 300 = 0b10_0101100 → 0xac 0x02
 * if (end !== 2 || buf[0] !== 0xac || buf[1] !== 0x02) throw new Error("bad varint");
 * ```
 */
export function putVarint(buf: Uint8Array, at: number, v: number): number {
  // Below 2^31 (lengths, sizes): bit operations, not the float division the wider values need.
  if (v < 0x80000000) {
    while (v >= 0x80) {
      buf[at++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[at++] = v;
    return at;
  }
  while (v >= 0x80) {
    buf[at++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  buf[at++] = v;
  return at;
}

/**
 * Writes an `int64` field value: a non-negative one as {@linkcode putVarint}, a negative one as
 * its 64-bit two's complement (always 10 bytes). Returns the offset after it.
 *
 * @example
 * ```ts
 * import { putInt64 } from "./varint.ts";
 * const buf = new Uint8Array(10);
 * if (putInt64(buf, 0, -1) !== 10 || buf[9] !== 0x01 || buf[0] !== 0xff) throw new Error();
 * ```
 */
export function putInt64(buf: Uint8Array, at: number, v: number): number {
  if (v >= 0) return putVarint(buf, at, v);
  let big = BigInt.asUintN(64, BigInt(v));
  while (big >= 0x80n) {
    buf[at++] = Number(big & 0x7fn) | 0x80;
    big >>= 7n;
  }
  buf[at++] = Number(big);
  return at;
}
