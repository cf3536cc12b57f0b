import assert from "node:assert/strict";
import { snappyCompress, snappyUncompress } from "../../src/wal/snappy.ts";
import { concatSnappyBlocks, readSnappyHeader } from "../../src/push/snappy_concat.ts";

function bytes(n: number, seed: number): Uint8Array {
  // Repetitive but varied, so the compressor emits both literals and back-references.
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i % (7 + seed)) * 13 + ((i >> 9) & 3);
  return out;
}

Deno.test("concatSnappyBlocks() decodes to the concatenation, across 64 KiB fragments", () => {
  const parts = [bytes(10, 1), bytes(0, 2), bytes(200_000, 3), bytes(70_000, 4), bytes(1, 5)];
  const joined = concatSnappyBlocks(parts.map((p) => snappyCompress(p)));
  const expected = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    expected.set(p, at);
    at += p.length;
  }
  assert.deepEqual(snappyUncompress(joined), expected);
  assert.equal(readSnappyHeader(joined).uncompressedLength, expected.length);
});

Deno.test("concatSnappyBlocks() returns a single block unchanged", () => {
  const one = snappyCompress(bytes(100, 1));
  assert.equal(concatSnappyBlocks([one]), one);
});

Deno.test("readSnappyHeader() rejects a truncated length varint", () => {
  assert.throws(
    () => readSnappyHeader(new Uint8Array([0x80, 0x80])),
    new RangeError("Cannot read snappy header: truncated or over-long length varint"),
  );
});
