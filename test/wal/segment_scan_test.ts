import assert from "node:assert/strict";
import { encodeFrame } from "../../src/wal/frame.ts";
import { scanSegment } from "../../src/wal/segment_scan.ts";

async function scanBytes(bytes: Uint8Array) {
  const path = await Deno.makeTempFile({ prefix: "wal_scan_" });
  try {
    await Deno.writeFile(path, bytes);
    using f = await Deno.open(path, { read: true });
    return await scanSegment(f, bytes.length);
  } finally {
    await Deno.remove(path);
  }
}

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

const frame = (n: number) => encodeFrame(new Uint8Array(20).fill(n), n);

Deno.test("scanSegment() resyncs after garbage between records and counts one region", async () => {
  const a = frame(1);
  const garbage = new Uint8Array(1000);
  for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 31 + 7) & 0xff;
  // A header claiming a huge payload inside the garbage must not stop the resync.
  garbage.set([0xff, 0xff, 0xff, 0x00, 0, 0, 0, 0, 1], 100);
  const s = await scanBytes(concat(a, garbage, frame(2), frame(3)));
  assert.deepEqual(s.samples, [1, 2, 3]);
  assert.deepEqual(s.corrupt, [{
    start: a.length,
    end: a.length + 1000,
    records: 0,
    samples: 0,
    unparsed: 1000,
    frames: [],
  }]);
  assert.equal(s.tailStart, null);
});

Deno.test("scanSegment() reports a torn last record as the tail", async () => {
  const a = frame(1);
  const b = frame(2);
  const s = await scanBytes(concat(a, b.subarray(0, b.length - 3)));
  assert.deepEqual(s.samples, [1]);
  assert.deepEqual(s.corrupt, []);
  assert.equal(s.tailStart, a.length);
  assert.deepEqual([s.tail?.records, s.tail?.samples, s.tail?.unparsed], [1, 2, 0]);
});

Deno.test("scanSegment() counts damaged records by their headers, the rest as unparsed bytes", async () => {
  const bad = (n: number) => {
    const f = frame(n);
    f[15]! ^= 0xff; // payload byte: the header still parses, the checksum fails
    return f;
  };
  const zeros = new Uint8Array(50);
  const s = await scanBytes(concat(frame(1), bad(2), bad(3), zeros, frame(4)));
  assert.deepEqual(s.samples, [1, 4]);
  assert.equal(s.corrupt.length, 1);
  const d = s.corrupt[0]!;
  assert.deepEqual([d.records, d.samples, d.unparsed, d.end - d.start], [2, 5, 50, 2 * 33 + 50]);
});

Deno.test("scanSegment() finds nothing in an all-zero or empty file", async () => {
  assert.equal((await scanBytes(new Uint8Array(5000))).tailStart, 0);
  const empty = await scanBytes(new Uint8Array(0));
  assert.deepEqual([empty.offsets, empty.tailStart], [[], null]);
});
