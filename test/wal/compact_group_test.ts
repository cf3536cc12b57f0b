import assert from "node:assert/strict";
import { SeriesGrouper } from "../../src/wal/compact_group.ts";
import { encodeWriteRequest } from "../_support/remote_write.ts";
import { decodeWriteRequest } from "../_support/wal_decode.ts";
import { sampleKey } from "../_support/wal_compact_fixture.ts";
import { seriesKeysOf, sharesSeries } from "../../src/push/series_keys.ts";

const up = (target: string): [string, string][] => [["__name__", "up"], ["target", target]];

function keys(bodies: Uint8Array[]): string[] {
  return bodies.flatMap((b) =>
    decodeWriteRequest(b).map((s) => sampleKey(s.labels, s.timestampMs, s.value))
  ).sort();
}

Deno.test("SeriesGrouper keeps every sample and writes each label set once per record, in time order", () => {
  const bodies: Uint8Array[] = [];
  for (let s = 9; s >= 0; s--) {
    bodies.push(encodeWriteRequest([
      { labels: up("a"), value: s, timestampMs: 1000 + s },
      { labels: up("b"), value: -s / 3, timestampMs: 2000 + s },
      { labels: up("a"), value: 0.1 + s, timestampMs: 1000 + s }, // same series and time twice
    ]));
  }
  const g = new SeriesGrouper();
  for (const b of bodies) assert.equal(g.add(b), 3);
  assert.equal(g.samples, 30);
  const out = [...g.drain(1 << 20)];
  assert.equal(out.length, 1);
  assert.equal(out[0]!.samples, 30);
  assert.deepEqual(keys(out.map((r) => r.body)), keys(bodies));
  // Two TimeSeries (a, b): decodeWriteRequest shares one labels array per TimeSeries.
  const decoded = decodeWriteRequest(out[0]!.body);
  assert.equal(new Set(decoded.map((s) => s.labels)).size, 2);
  const a = decoded.filter((s) => s.labels[1]![1] === "a").map((s) => s.timestampMs);
  assert.deepEqual(a, [...a].sort((x, y) => x - y));
  assert.equal(g.samples, 0, "drained");
});

Deno.test("SeriesGrouper splits a long series across records of at most maxRecordBytes", () => {
  const g = new SeriesGrouper();
  const bodies: Uint8Array[] = [];
  for (let s = 0; s < 500; s++) {
    bodies.push(encodeWriteRequest([{ labels: up("c"), value: s, timestampMs: 5000 + s }]));
    g.add(bodies.at(-1)!);
  }
  const out = [...g.drain(1024)];
  assert.ok(out.length > 5, `${out.length} records`);
  for (const r of out) assert.ok(r.body.length <= 1024, `${r.body.length} bytes`);
  assert.equal(out.reduce((n, r) => n + r.samples, 0), 500);
  assert.deepEqual(keys(out.map((r) => r.body)), keys(bodies));
});

Deno.test("SeriesGrouper never splits a series that fits in one record: its records share no series", () => {
  const g = new SeriesGrouper();
  // 40 series of 30 samples each (~700 bytes a series): several series per 2 KiB record, and
  // with the old fill-every-record rule a series at each record boundary was cut in two.
  for (let s = 0; s < 30; s++) {
    g.add(encodeWriteRequest(
      Array.from({ length: 40 }, (_, t) => ({
        labels: up(`t${String(t).padStart(2, "0")}`),
        value: s,
        timestampMs: 1000 + s,
      })),
    ));
  }
  const out = [...g.drain(2048)];
  assert.ok(out.length >= 10, `${out.length} records`);
  assert.equal(out.reduce((n, r) => n + r.samples, 0), 1200);
  const keySets = out.map((r) => seriesKeysOf(r.body));
  for (let i = 1; i < keySets.length; i++) {
    assert.equal(sharesSeries(keySets[i - 1]!, keySets[i]!), false, `records ${i - 1} and ${i}`);
  }
});

Deno.test("SeriesGrouper.add() refuses a WriteRequest field it did not write itself", () => {
  const body = encodeWriteRequest([{ labels: up("a"), value: 1, timestampMs: 1 }]);
  const withExemplar = new Uint8Array([...body, 0x0a, 4, 0x1a, 2, 0x08, 1]);
  assert.throws(() => new SeriesGrouper().add(withExemplar), {
    name: "SyntaxError",
    message: "Cannot compact: unexpected field",
  });
  assert.throws(() => new SeriesGrouper().add(body.subarray(0, body.length - 3)), SyntaxError);
});

Deno.test("SeriesGrouper groups a window of 100,000 series with no object per series on the heap", () => {
  // One sample per series, as in a window of 10,000 ICMP targets: the old grouper kept an object
  // and two arrays per series (~90 MB of heap here), this one flat typed arrays off the heap.
  const bodies = Array.from(
    { length: 100 },
    (_, r) =>
      encodeWriteRequest(Array.from({ length: 1000 }, (_, i) => ({
        labels: up(`10.${r}.${i >> 8}.${i & 255}`),
        value: i,
        timestampMs: 1000 + r,
      }))),
  );
  const g = new SeriesGrouper();
  const before = Deno.memoryUsage().heapUsed;
  let peak = 0;
  const grew = () => peak = Math.max(peak, Deno.memoryUsage().heapUsed - before);
  for (const b of bodies) assert.equal(g.add(b), 1000);
  grew();
  assert.equal(g.series, 100_000);
  let samples = 0;
  let records = 0;
  for (const r of g.drain(256 * 1024)) {
    samples += r.samples;
    records++;
    grew();
  }
  assert.equal(samples, 100_000);
  assert.equal(records, 21); // ~5.4 MB of series, 256 KiB a record
  assert.ok(peak < 16 * 1024 * 1024, `heap grew by ${(peak / 1024 / 1024).toFixed(1)} MB`);
});
