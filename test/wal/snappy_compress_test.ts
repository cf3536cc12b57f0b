import assert from "node:assert/strict";
// @ts-types="../_support/snappyjs.d.ts"
import * as snappyjs from "snappyjs";
import { compressSnappy, maxCompressedLength } from "../../src/wal/snappy_compress.ts";
import { prng, type Rng } from "../_support/prng.ts";
import { createRecordEncoder } from "../../src/results/record_encoder.ts";
import type { ResultRecord } from "../../src/results/types.ts";

/** Remote-write bytes of `n` HTTP-like records: label runs repeated in every series. */
function remoteWriteBody(n: number): Uint8Array {
  const encoder = createRecordEncoder();
  const parts: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const target = `http://127.0.0.1:8080/ok?n=${i % 37}`;
    const r: ResultRecord = {
      key: `http_2xx|${target}`,
      timestampMs: 1_700_000_000_000 + i * 7,
      target,
      probe: "http_2xx",
      type: "http",
      labels: { site: "fra1" },
      success: i % 5 !== 0,
      durationSeconds: 0.0001 * (1 + i % 13),
      attempts: 1,
      ipProtocol: 4,
    };
    parts.push(encoder.encode([r]).bytes);
  }
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Input of one fuzz case: random, runs of few symbols, or repeats of a random phrase. */
function fuzzInput(rng: Rng): Uint8Array {
  const sizes = [0, 1, 4, 14, 15, 16, 17, 60, 61, 255, 256, 257, 65535, 65536, 65537, 140_000];
  const n = rng.chance(0.3) ? rng.pick(sizes) : rng.int(20_000);
  const out = new Uint8Array(n);
  const kind = rng.int(3);
  const phrase = rng.bytes(1 + rng.int(300));
  for (let i = 0; i < n; i++) {
    if (kind === 0) out[i] = rng.int(256);
    else if (kind === 1) out[i] = rng.int(3);
    else out[i] = rng.chance(0.01) ? rng.int(256) : phrase[i % phrase.length]!;
  }
  return out;
}

Deno.test("compressSnappy() round-trips through snappyjs for 400 seeded inputs of every shape", () => {
  const rng = prng(20260);
  for (let c = 0; c < 400; c++) {
    const input = fuzzInput(rng);
    const packed = compressSnappy(input);
    assert.ok(packed.length <= maxCompressedLength(input.length), `case ${c}: too long`);
    assert.deepEqual(snappyjs.uncompress(packed), input, `case ${c} (${input.length} bytes)`);
  }
});

Deno.test("compressSnappy() reads a view at an offset of a larger buffer, not the whole buffer", () => {
  const all = remoteWriteBody(50);
  const view = all.subarray(1234, all.length - 99);
  assert.deepEqual(snappyjs.uncompress(compressSnappy(view)), view.slice());
});

Deno.test("compressSnappy() packs remote-write bodies at least as tightly as snappyjs", () => {
  for (const n of [1, 10, 300, 3000]) {
    const body = remoteWriteBody(n);
    const ours = compressSnappy(body);
    assert.deepEqual(snappyjs.uncompress(ours), body);
    assert.ok(
      ours.length <= snappyjs.compress(body).length,
      `${n} records: ${ours.length} > snappyjs ${snappyjs.compress(body).length}`,
    );
  }
});

Deno.test("compressSnappy() writes the exact elements of a short literal and a copy", () => {
  // 0 bytes: the length varint alone.
  assert.deepEqual([...compressSnappy(new Uint8Array(0))], [0]);
  // Under the margin: one literal, tag (len-1)<<2.
  assert.deepEqual([...compressSnappy(new Uint8Array([7, 8, 9]))], [3, 2 << 2, 7, 8, 9]);
  // "abcd" × 8: a 4-byte literal, then one 1-byte-offset copy of 28 bytes from 4 back (copy-2,
  // as 28 >= 12: tag 2 | 27 << 2, offset 4 little-endian).
  const text = new TextEncoder().encode("abcd".repeat(8));
  assert.deepEqual([...compressSnappy(text)], [32, 3 << 2, 97, 98, 99, 100, 2 | (27 << 2), 4, 0]);
});
