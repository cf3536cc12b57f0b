import assert from "node:assert/strict";
import { createSeriesWriter, STALE_NAN_BITS } from "../../src/results/series_writer.ts";
import { createLabelFieldCache } from "../../src/results/label_fields.ts";
import { TCP_RECORD as record } from "../_support/tcp_record.ts";
import { decodeWriteRequest } from "../_support/wal_decode.ts";

Deno.test("createSeriesWriter().write() writes a series with own labels winning over the job's", () => {
  const cache = createLabelFieldCache({});
  const job = cache.jobFields(record);
  const writer = createSeriesWriter();
  const name = cache.nameField("probe_x")!;
  writer.write(job, name, undefined, 1.5, 1000, false);
  writer.write(job, name, cache.withName(cache.ownFields([["site", "own"]]), name), 2, 1001, false);
  const series = decodeWriteRequest(writer.take());
  assert.equal(series.length, 2);
  const sites = (i: number) => series[i]!.labels.filter(([k]) => k === "site");
  assert.deepEqual(sites(0), [["site", "fra1"]]);
  assert.deepEqual(sites(1), [["site", "own"]]);
  assert.deepEqual(series[1]!.labels.map(([k]) => k), series[0]!.labels.map(([k]) => k));
  assert.equal(series[0]!.labels[0]![0], "__name__");
  assert.deepEqual([series[1]!.value, series[1]!.timestampMs], [2, 1001]);
});

Deno.test("createSeriesWriter() writes the StaleNaN bits, grows past 64 KiB and resets", () => {
  const cache = createLabelFieldCache({});
  const job = cache.jobFields(record);
  const writer = createSeriesWriter();
  const name = cache.nameField("probe_x")!;
  writer.write(job, name, undefined, 1, 5, true);
  assert.equal(decodeWriteRequest(writer.take())[0]!.stale, true);
  assert.equal(STALE_NAN_BITS[0], 0x7ff00000);
  writer.reset();
  assert.equal(writer.take().length, 0);
  for (let i = 0; i < 2000; i++) writer.write(job, name, undefined, i, i, false);
  const bytes = writer.take();
  assert.ok(bytes.length > 64 * 1024);
  const many = decodeWriteRequest(bytes);
  assert.equal(many.length, 2000);
  assert.deepEqual([many[1999]!.value, many[1999]!.timestampMs], [1999, 1999]);
});

Deno.test("createSeriesWriter() puts __name__ inside the job's labels and copies long runs whole", () => {
  const cache = createLabelFieldCache({});
  // "AZ" sorts before "__name__" (upper case before "_"): the name goes between job labels.
  const r = { ...record, labels: { AZ: "a".repeat(30), site: "s".repeat(40), zone: "z" } };
  const job = cache.jobFields(r);
  assert.ok(job.nameAt > 0);
  const writer = createSeriesWriter();
  const name = cache.nameField("probe_x")!;
  const own = cache.withName(cache.ownFields([["phase", "connect"]]), name);
  const times = [1_700_000_000_123, 1_700_000_000_123, 1, 2 ** 40, 0];
  for (const [i, ts] of times.entries()) {
    writer.write(job, name, i % 2 ? own : undefined, i, ts, false);
  }
  const view = writer.view();
  assert.deepEqual(view, writer.take());
  const series = decodeWriteRequest(view);
  assert.deepEqual(series.map((s) => s.timestampMs), times);
  for (const [i, s] of series.entries()) {
    const names = s.labels.map(([k]) => k);
    assert.deepEqual(names, [...names].sort(), `series ${i} sorted`);
    const labels = Object.fromEntries(s.labels);
    assert.equal(labels.__name__, "probe_x");
    assert.equal(labels.AZ, "a".repeat(30));
    assert.equal(labels.site, "s".repeat(40));
    assert.equal(labels.zone, "z");
    assert.equal(labels.phase, i % 2 ? "connect" : undefined);
    assert.equal(s.value, i);
  }
});
