/**
 * @module Joins snappy blocks without decompressing them.
 *
 * A snappy block is `varint(uncompressed length)` followed by elements: literals, and copies whose
 * offset is a distance *back* from the current output position. So the elements of block B still
 * decode correctly after those of block A, and `varint(lenA + lenB) · elementsA · elementsB` is a
 * valid block that decodes to `A · B`. Since two concatenated `WriteRequest`s are one
 * `WriteRequest`, the pusher joins WAL records this way: no uncompress, no recompress.
 */
import { varintSize } from "../results/proto_size.ts";
import { putVarint } from "../results/varint.ts";

/** The header of a snappy block: the uncompressed length and where the elements start. */
export interface SnappyHeader {
  uncompressedLength: number;
  /** Bytes taken by the length varint. */
  headerLength: number;
}

/**
 * Reads a snappy block's header. Throws `RangeError` on a truncated or over-long varint.
 *
 * @example
 * ```ts
 * import { readSnappyHeader } from "./snappy_concat.ts";
 * const h = readSnappyHeader(new Uint8Array([0xfe, 0x01, 0x00]));
 * if (h.uncompressedLength !== 254 || h.headerLength !== 2) throw new Error();
 * ```
 */
export function readSnappyHeader(block: Uint8Array): SnappyHeader {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    const b = block[i];
    if (b === undefined) break;
    value += (b & 0x7f) * 2 ** (7 * i);
    if (b < 0x80) return { uncompressedLength: value, headerLength: i + 1 };
  }
  throw new RangeError("Cannot read snappy header: truncated or over-long length varint");
}

/**
 * One snappy block holding the uncompressed bytes of every block in `blocks`, in order.
 * A single block is returned as is.
 *
 * @example
 * ```ts
 * import { snappyCompress, snappyUncompress } from "../wal/snappy.ts";
 * import { concatSnappyBlocks } from "./snappy_concat.ts";
 * const a = new TextEncoder().encode("hello hello ");
 * const b = new TextEncoder().encode("world world");
 * const joined = concatSnappyBlocks([snappyCompress(a), snappyCompress(b)]);
 * const text = new TextDecoder().decode(snappyUncompress(joined));
 * if (text !== "hello hello world world") throw new Error(text);
 * ```
 */
export function concatSnappyBlocks(blocks: readonly Uint8Array[]): Uint8Array {
  if (blocks.length === 1) return blocks[0]!;
  let total = 0;
  let bodies = 0;
  const headers = blocks.map((b) => {
    const h = readSnappyHeader(b);
    total += h.uncompressedLength;
    bodies += b.length - h.headerLength;
    return h;
  });
  if (total > 0xffffffff) {
    throw new RangeError(`Cannot join snappy blocks: ${total} bytes exceed the 4 GiB block limit`);
  }
  const out = new Uint8Array(varintSize(total) + bodies);
  let at = putVarint(out, 0, total);
  blocks.forEach((b, i) => {
    const body = b.subarray(headers[i]!.headerLength);
    out.set(body, at);
    at += body.length;
  });
  return out;
}
