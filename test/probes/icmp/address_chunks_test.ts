import assert from "node:assert/strict";
import { AddressChunks, sameBytes } from "../../../src/probes/icmp/address_chunks.ts";

Deno.test("AddressChunks.reserve() packs places into shared chunks and never reuses one", () => {
  const chunks = new AddressChunks(4, 3);
  const places = Array.from({ length: 7 }, () => chunks.reserve());
  assert.deepEqual(places.map((p) => p.at), [0, 4, 8, 0, 4, 8, 0]);
  assert.equal(places[0]!.bytes, places[2]!.bytes);
  assert.notEqual(places[2]!.bytes, places[3]!.bytes);
  assert.equal(places[0]!.bytes.length, 12);
  // A place written stays as written while later ones are filled.
  places[1]!.bytes.set([127, 0, 0, 1], places[1]!.at);
  for (const p of places.slice(2)) p.bytes.fill(9, p.at, p.at + 4);
  assert.deepEqual([...places[1]!.bytes.subarray(4, 8)], [127, 0, 0, 1]);
});

Deno.test("AddressChunks rejects a width or chunk size below 1", () => {
  assert.throws(() => new AddressChunks(0), RangeError);
  assert.throws(() => new AddressChunks(4, 0), RangeError);
});

Deno.test("sameBytes() compares two offsets over a width", () => {
  const a = new Uint8Array([0, 1, 2, 3, 4]);
  const b = new Uint8Array([1, 2, 3]);
  assert.equal(sameBytes(a, 1, b, 0, 3), true);
  assert.equal(sameBytes(a, 0, b, 0, 3), false);
  assert.equal(sameBytes(a, 2, b, 1, 2), true);
});
