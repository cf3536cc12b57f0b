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
