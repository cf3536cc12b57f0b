/**
 * @module Snappy block compression (the remote-write and WAL payload format), written for our
 * payloads: remote-write bodies repeat each job's label bytes in every series, so most of the
 * input is long matches. Like the reference compressor it works on 64 KiB fragments with a hash
 * table of 4-byte sequences (reset per fragment) and skips ahead faster through incompressible
 * runs; unlike a byte-at-a-time port, it hashes with `Math.imul`, reads and compares 4 bytes at a
 * time (a DataView), extends matches 4 bytes a step and copies long literals with one `set`. The
 * output is any valid snappy block (not byte-identical to other compressors'); every decoder
 * reads it.
 */

/** Bytes of one fragment: copies never reach back past its start (offsets fit 16 bits). */
const FRAGMENT = 1 << 16;
/** Most hash table bits (16 Ki entries of 16-bit positions, 32 KiB, reused by every call). */
const MAX_TABLE_BITS = 14;
/** No match starts within this many bytes of a fragment's end (the 4-byte reads stay inside). */
const INPUT_MARGIN = 15;

const table = new Uint16Array(1 << MAX_TABLE_BITS);

/** The most bytes {@linkcode compressSnappy} can write for `n` input bytes. */
export function maxCompressedLength(n: number): number {
  return 32 + n + Math.floor(n / 6);
}

/**
 * Snappy block-compresses `input` (a fresh array, right-sized).
 *
 * @example
 * ```ts
 * import { compressSnappy } from "./snappy_compress.ts";
 * const out = compressSnappy(new TextEncoder().encode("abcdabcdabcdabcdabcdabcd"));
 * if (out[0] !== 24 || out.length >= 24) throw new Error("not compressed");
 * ```
 */
export function compressSnappy(input: Uint8Array): Uint8Array {
  const n = input.length;
  const out = new Uint8Array(maxCompressedLength(n));
  let op = 0;
  for (let v = n;; v = Math.floor(v / 128)) {
    if (v < 128) {
      out[op++] = v;
      break;
    }
    out[op++] = (v % 128) | 0x80;
  }
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  for (let start = 0; start < n; start += FRAGMENT) {
    op = fragment(input, view, start, Math.min(n, start + FRAGMENT), out, op);
  }
  return out.slice(0, op);
}

/** Compresses `input[start, end)` into `out` at `op`; returns the new end of `out`. */
function fragment(
  input: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  out: Uint8Array,
  op: number,
): number {
  const size = end - start;
  if (size < INPUT_MARGIN) return literal(input, start, end, out, op);
  let bits = 8;
  while (bits < MAX_TABLE_BITS && 1 << bits < size) bits++;
  const shift = 32 - bits;
  table.fill(0, 0, 1 << bits);
  const limit = end - INPUT_MARGIN;
  let emitted = start;
  let ip = start + 1;
  for (;;) {
    // Look for a 4-byte match, stepping further the longer none is found.
    let candidate = 0;
    let word = 0;
    for (let skip = 32;; skip++) {
      if (ip > limit) return literal(input, emitted, end, out, op);
      word = view.getUint32(ip, true);
      const h = Math.imul(word, 0x1e35a7bd) >>> shift;
      candidate = start + table[h]!;
      table[h] = ip - start;
      if (candidate < ip && view.getUint32(candidate, true) === word) break;
      ip += skip >>> 5;
    }
    op = literal(input, emitted, ip, out, op);
    // Emit copies for as long as the next position matches too.
    for (;;) {
      let a = ip + 4;
      let b = candidate + 4;
      while (a + 4 <= end && view.getUint32(a, true) === view.getUint32(b, true)) {
        a += 4;
        b += 4;
      }
      while (a < end && input[a] === input[b]) {
        a++;
        b++;
      }
      op = copy(out, op, ip - candidate, a - ip);
      ip = emitted = a;
      if (ip >= limit) return literal(input, emitted, end, out, op);
      table[Math.imul(view.getUint32(ip - 1, true), 0x1e35a7bd) >>> shift] = ip - 1 - start;
      word = view.getUint32(ip, true);
      const h = Math.imul(word, 0x1e35a7bd) >>> shift;
      candidate = start + table[h]!;
      table[h] = ip - start;
      if (!(candidate < ip && view.getUint32(candidate, true) === word)) break;
    }
    ip++;
  }
}

/** A literal element of `input[from, to)` (nothing when empty). */
function literal(input: Uint8Array, from: number, to: number, out: Uint8Array, op: number): number {
  const len = to - from;
  if (len <= 0) return op;
  const m = len - 1;
  if (m < 60) {
    out[op++] = m << 2;
  } else if (m < 0x100) {
    out[op++] = 60 << 2;
    out[op++] = m;
  } else if (m < 0x10000) {
    out[op++] = 61 << 2;
    out[op++] = m & 0xff;
    out[op++] = m >>> 8;
  } else {
    out[op++] = 62 << 2;
    out[op++] = m & 0xff;
    out[op++] = (m >>> 8) & 0xff;
    out[op++] = m >>> 16;
  }
  if (len < 16) {
    for (let i = from; i < to; i++) out[op++] = input[i]!;
    return op;
  }
  out.set(input.subarray(from, to), op);
  return op + len;
}

/** Copy elements for `len` bytes from `offset` back (offset < 64 Ki, len >= 4). */
function copy(out: Uint8Array, op: number, offset: number, len: number): number {
  while (len >= 68) {
    op = copy2(out, op, offset, 64);
    len -= 64;
  }
  if (len > 64) {
    op = copy2(out, op, offset, 60);
    len -= 60;
  }
  if (len < 12 && offset < 2048) {
    out[op++] = 1 | ((len - 4) << 2) | ((offset >>> 8) << 5);
    out[op++] = offset & 0xff;
    return op;
  }
  return copy2(out, op, offset, len);
}

/** One 2-byte-offset copy of 1 to 64 bytes. */
function copy2(out: Uint8Array, op: number, offset: number, len: number): number {
  out[op++] = 2 | ((len - 1) << 2);
  out[op++] = offset & 0xff;
  out[op++] = offset >>> 8;
  return op;
}
