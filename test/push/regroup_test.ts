/** Uncompacted batches regrouped by series before they are sent (src/push/regroup.ts). */
import assert from "node:assert/strict";
import type { Batch } from "../../src/push/batcher.ts";
import { createRegrouper } from "../../src/push/regroup.ts";
import { concatSnappyBlocks } from "../../src/push/snappy_concat.ts";
import { snappyCompress, snappyUncompress } from "../../src/wal/snappy.ts";
import { encodeWriteRequest } from "../_support/remote_write.ts";
import type { Series } from "../_support/record_series.ts";
import { type DecodedSeries, decodeWriteRequest } from "../_support/wal_decode.ts";
import { seriesKey } from "../_support/wal_samples.ts";

/** Record `r`: one sample per TimeSeries of `series` series at second `r`, as the WAL holds it. */
function record(r: number, series: number): Series[] {
  return Array.from({ length: series }, (_, i) => ({
    labels: [["__name__", "probe_success"], ["instance", `10.0.0.${i}:22`], ["job", "tcp"]],
    value: (r * 7 + i) % 3 === 0 ? NaN : r + i / 10,
    timestampMs: 1_700_000_000_000 + r * 1000,
  }));
}

/** A batch of records `records` (each a `WriteRequest`), joined as the batcher joins them. */
function batchOf(records: Series[][], compacted = false): Batch {
  const blocks = records.map((r) => snappyCompress(encodeWriteRequest(r)));
  return {
    body: concatSnappyBlocks(blocks),
    samples: records.reduce((n, r) => n + r.length, 0),
    records: records.length,
    offset: 100,
    nextOffset: 900,
    ...(compacted ? { compacted } : {}),
  };
}

const sorted = (series: DecodedSeries[]) => series.map((s) => JSON.stringify(s)).sort();

/** The TimeSeries of an uncompressed body: how many there are (tag 0x0a at the top level). */
function timeSeriesCount(body: Uint8Array): number {
  let n = 0;
  for (let pos = 0; pos < body.length; n++) {
    pos++;
    let len = 0;
    for (let mul = 1;; mul *= 128) {
      const b = body[pos++]!;
      len += (b & 0x7f) * mul;
      if (b < 0x80) break;
    }
    pos += len;
  }
  return n;
}

Deno.test("regroup: an uncompacted batch is sent as one TimeSeries per series, same samples", () => {
  const records = Array.from({ length: 6 }, (_, r) => record(r, 40));
  const batch = batchOf(records);
  const out = createRegrouper().regroup(batch);
  const before = snappyUncompress(batch.body);
  const after = snappyUncompress(out.body);
  assert.equal(timeSeriesCount(before), 240);
  assert.equal(timeSeriesCount(after), 40, "one TimeSeries per series");
  assert.deepEqual(sorted(decodeWriteRequest(after)), sorted(decodeWriteRequest(before)));
  assert.ok(after.length < before.length / 2, `${after.length} bytes against ${before.length}`);
  assert.deepEqual(
    { ...out, body: undefined },
    { ...batch, body: undefined, compacted: false },
    "samples, records and offsets unchanged",
  );
});

Deno.test("regroup: each series' samples in timestamp order, even when records are not", () => {
  const records = [record(3, 5), record(1, 5), record(2, 5), record(0, 5)];
  const out = createRegrouper().regroup(batchOf(records));
  const bySeries = new Map<string, number[]>();
  for (const s of decodeWriteRequest(snappyUncompress(out.body))) {
    const key = seriesKey(Object.fromEntries(s.labels));
    bySeries.set(key, [...(bySeries.get(key) ?? []), s.timestampMs]);
  }
  assert.equal(bySeries.size, 5);
  for (const ts of bySeries.values()) assert.deepEqual(ts, [...ts].sort((a, b) => a - b));
});

Deno.test("regroup: compacted batches, single samples and bytes it does not take go as they are", () => {
  const regrouper = createRegrouper();
  const compacted = batchOf([record(0, 3), record(1, 3)], true);
  assert.equal(regrouper.regroup(compacted), compacted);
  const single = batchOf([record(0, 1)]);
  assert.equal(regrouper.regroup(single), single);
  const junk: Batch = { ...batchOf([record(0, 3)]), body: snappyCompress(new Uint8Array([9, 9])) };
  assert.equal(regrouper.regroup(junk), junk);
  // Half of a batch taken before a bad record: nothing of it leaks into the next batch.
  const good = snappyCompress(encodeWriteRequest(record(5, 4)));
  const half: Batch = {
    ...batchOf([record(4, 4)]),
    body: concatSnappyBlocks([good, snappyCompress(new Uint8Array([0x12, 0]))]),
  };
  assert.equal(regrouper.regroup(half), half);
  const next = batchOf([record(6, 4), record(7, 4)]);
  const out = snappyUncompress(regrouper.regroup(next).body);
  assert.deepEqual(
    sorted(decodeWriteRequest(out)),
    sorted(decodeWriteRequest(snappyUncompress(next.body))),
  );
});
