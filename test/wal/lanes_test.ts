import assert from "node:assert/strict";
import { laneOf, WAL_LANES } from "../../src/wal/lanes.ts";
import { openWal } from "../../src/wal/wal.ts";
import { inspectWal } from "../../src/wal/inspect.ts";
import { createWalSink } from "../../src/wal/wal_sink.ts";
import { jobKey } from "../../src/base/job_key.ts";
import { walTestOptions } from "../_support/wal_test_options.ts";
import { withTempDir } from "../_support/temp_dir.ts";
import { secondOfResults } from "../_support/wal_compact_fixture.ts";
import { decodeCompressed } from "../_support/wal_decode.ts";

Deno.test("laneOf() spreads job keys over the lanes and always gives a key the same one", () => {
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < 4000; i++) {
    counts[laneOf(jobKey("tcp", `10.0.${i >> 8}.${i & 255}:22`), 4)]!++;
  }
  for (const n of counts) assert.ok(n > 800 && n < 1200, `${counts}`);
  assert.equal(laneOf("a|b", 4), laneOf("a|b", 4));
  assert.equal(laneOf("a|b", 1), 0);
});

Deno.test("the lane count and the lane of a key are fixed: records already on disk name their lane", () => {
  // A WAL written by one version is drained by the next: a job must keep its lane across them.
  assert.equal(WAL_LANES, 4);
  assert.deepEqual(
    ["tcp|10.0.0.1:22", "icmp|192.0.2.7", "http_2xx|https://example.com/"].map((k) =>
      laneOf(k, WAL_LANES)
    ),
    [2, 1, 1],
  );
});

Deno.test("lane records read back with their lanes after reopening, beside records without one", async () => {
  await withTempDir(async (dir) => {
    {
      await using wal = await openWal(walTestOptions(dir, { segmentSize: 1 << 20 }));
      const old = createWalSink(wal, { lanes: 1 });
      old.write(secondOfResults(0, 20, 5));
      await wal.flush();
      const sink = createWalSink(wal);
      for (let s = 1; s < 4; s++) sink.write(secondOfResults(s, 20, 5));
      await wal.flush();
    }
    await using wal = await openWal(walTestOptions(dir, { segmentSize: 1 << 20 }));
    const entries = await wal.read(0, { maxBytes: 1 << 24 });
    assert.equal(entries[0]!.lane, undefined, "written without lanes");
    assert.deepEqual(entries.slice(1).map((e) => e.lane), [0, 1, 2, 3]);
    for (const e of entries.slice(1)) {
      for (const s of decodeCompressed(e.compressed)) {
        const { probe, target } = Object.fromEntries(s.labels);
        assert.equal(laneOf(jobKey(probe!, target!), 4), e.lane);
      }
    }
    const report = await inspectWal(dir);
    assert.equal(report.corrupt_records, 0);
    assert.equal(report.records, 5);
    assert.equal(report.samples, wal.stats().samples);
  });
});
