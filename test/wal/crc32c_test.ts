import assert from "node:assert/strict";
import { crc32c } from "../../src/wal/crc32c.ts";

const enc = new TextEncoder();

Deno.test("crc32c() matches the standard check value", () => {
  assert.equal(crc32c(enc.encode("123456789")), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(0)), 0);
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
});

Deno.test("crc32c() continues across chunks", () => {
  const data = enc.encode("The quick brown fox jumps over the lazy dog, twice over.");
  for (let cut = 0; cut <= data.length; cut++) {
    assert.equal(crc32c(data.subarray(cut), crc32c(data.subarray(0, cut))), crc32c(data));
  }
});

Deno.test("crc32c() changes on every single-bit flip", () => {
  const data = enc.encode("vmprober wal record");
  const base = crc32c(data);
  for (let i = 0; i < data.length * 8; i++) {
    const copy = data.slice();
    copy[i >> 3]! ^= 1 << (i & 7);
    assert.notEqual(crc32c(copy), base);
  }
});
