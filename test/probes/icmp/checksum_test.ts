import assert from "node:assert/strict";
import { internetChecksum } from "../../../src/probes/icmp/checksum.ts";

Deno.test("internetChecksum() matches the RFC 1071 worked example", () => {
  // RFC 1071 §3: words 0001 f203 f4f5 f6f7 sum to ddf2 (one's complement), checksum 220d.
  assert.equal(
    internetChecksum(new Uint8Array([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7])),
    0x220d,
  );
});

Deno.test("internetChecksum() pads an odd length with a zero byte", () => {
  assert.equal(internetChecksum(new Uint8Array([0x01])), ~0x0100 & 0xffff);
  assert.equal(internetChecksum(new Uint8Array([0x01, 0x00])), ~0x0100 & 0xffff);
});

Deno.test("internetChecksum() of a range ignores bytes outside it", () => {
  const bytes = new Uint8Array([0xff, 0xff, 0x00, 0x01, 0xff]);
  assert.equal(internetChecksum(bytes, 2, 4), 0xfffe);
});

Deno.test("internetChecksum() of nothing is 0xffff", () => {
  assert.equal(internetChecksum(new Uint8Array(0)), 0xffff);
});
