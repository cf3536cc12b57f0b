import assert from "node:assert/strict";
import { snappyCompress, snappyUncompress } from "../../src/wal/snappy.ts";

const bad = { name: "SyntaxError", message: "Cannot uncompress snappy: bad element" };

Deno.test("snappyUncompress() rejects a block whose elements make fewer bytes than it states", () => {
  // States 8 bytes, holds the 4-byte literal "abcd" only (not 4 bytes and 4 zeros).
  assert.throws(() => snappyUncompress(new Uint8Array([8, 3 << 2, 97, 98, 99, 100])), {
    name: "SyntaxError",
    message: "Cannot uncompress snappy: length mismatch",
  });
  // A literal with a 4-byte length of 2^32 - 6 (negative as an Int32: read so, it steps back to
  // its own tag, for ever) and one of 2^32 - 1 (wrapped to 0 it was skipped): rejected.
  assert.throws(() => snappyUncompress(new Uint8Array([8, 63 << 2, 0xfa, 0xff, 0xff, 0xff])), bad);
  assert.throws(() => snappyUncompress(new Uint8Array([8, 63 << 2, 0xff, 0xff, 0xff, 0xff])), bad);
});

Deno.test("snappyUncompress() refuses a stated length over maxLength or over 4 GiB", () => {
  const packed = snappyCompress(new Uint8Array(100).fill(7));
  assert.deepEqual(snappyUncompress(packed, 100), new Uint8Array(100).fill(7));
  assert.throws(() => snappyUncompress(packed, 99), {
    name: "RangeError",
    message: "Cannot uncompress snappy: 100 bytes, more than 99",
  });
  // 2^32 as a varint: more than a block may hold, refused before any allocation.
  assert.throws(() => snappyUncompress(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x10])), {
    name: "RangeError",
    message: "Cannot uncompress snappy: 4294967296 bytes, more than 4294967295",
  });
});
