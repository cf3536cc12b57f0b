import assert from "node:assert/strict";
import { createWalSink } from "../../src/wal/wal_sink.ts";
import { snappyCompress } from "../../src/wal/snappy.ts";
import type { Wal, WalStats } from "../../src/wal/types.ts";
import type { ResultRecord } from "../../src/results/types.ts";
import { decodeCompressed, decodeWriteRequest } from "../_support/wal_decode.ts";
import { Registry } from "../../src/base/prom.ts";
import { jobKey } from "../../src/base/job_key.ts";
import { laneOf } from "../../src/wal/lanes.ts";
import { createFamilyBook } from "../../src/results/pushed_families.ts";

/**
 * A Wal that only records appends: a copy of each body, as a Wal must take it (`copy: false`
 * keeps the body handed over, to see what the sink lends).
 */
function recordingWal(
  { copy = true } = {},
): Wal & { appends: Array<{ body: Uint8Array; samples: number; lane?: number }> } {
  const appends: Array<{ body: Uint8Array; samples: number; lane?: number }> = [];
  return {
    appends,
    append(body, samples, lane) {
      appends.push({
        body: copy ? body.slice() : body,
        samples,
        ...(lane === undefined ? {} : { lane }),
      });
      return true;
    },
    flush: () => Promise.resolve(),
    read: () => Promise.resolve([]),
    waitForData: () => Promise.resolve(),
    pushPosition: 0,
    commit: () => Promise.resolve(),
    stats: () => ({}) as WalStats,
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
}

const rec = (target: string, success: boolean): ResultRecord => ({
  timestampMs: 1_700_000_000_123,
  target,
  probe: "ssh",
  key: jobKey("ssh", target),
  type: "tcp",
  labels: { site: "fra1" },
  success,
  durationSeconds: 0.0042,
  attempts: 1,
});

Deno.test("createWalSink() appends one WriteRequest per write() with every record's samples", () => {
  const wal = recordingWal();
  const sink = createWalSink(wal, { extraLabels: { agent: "a1", site: "ignored" }, lanes: 1 });
  sink.write([rec("10.0.0.1:22", true), rec("10.0.0.2:22", false)]);
  sink.write([]);
  assert.equal(wal.appends.length, 1);
  assert.equal(wal.appends[0]!.samples, 12);
  const series = decodeCompressed(snappyCompress(wal.appends[0]!.body));
  const tcp = (success: number) => [
    ["probe_success", success],
    ["probe_duration_seconds", Math.fround(0.0042)], // stored at float32 precision
    ["probe_dns_lookup_time_seconds", 0],
    ["probe_ip_protocol", 0],
    ["probe_ip_addr_hash", 0],
    ["probe_failed_due_to_regex", 0],
  ];
  assert.deepEqual(series.map((s) => [Object.fromEntries(s.labels).__name__, s.value]), [
    ...tcp(1),
    ...tcp(0),
  ]);
  // Sorted by name (remote write 1.0 MUST); the record's `site` wins over the extra label.
  assert.deepEqual(series[0]!.labels, [
    ["__name__", "probe_success"],
    ["agent", "a1"],
    ["instance", "10.0.0.1:22"],
    ["job", "ssh"],
    ["probe", "ssh"],
    ["site", "fra1"],
    ["target", "10.0.0.1:22"],
    ["type", "tcp"],
  ]);
  assert.equal(series[6]!.timestampMs, 1_700_000_000_123);
});

Deno.test("createWalSink().writeStale() appends a stale marker for each series of the ended job", () => {
  const wal = recordingWal();
  const sink = createWalSink(wal);
  sink.write([rec("10.0.0.1:22", true)]);
  sink.writeStale([rec("10.0.0.1:22", true)], 1_700_000_005_000);
  assert.equal(wal.appends.length, 2);
  const live = decodeWriteRequest(wal.appends[0]!.body);
  const stale = decodeWriteRequest(wal.appends[1]!.body);
  assert.equal(wal.appends[1]!.samples, 6);
  assert.deepEqual(stale.map((s) => s.labels), live.map((s) => s.labels));
  assert.equal(stale.length, 6);
  assert.ok(stale.every((s) => s.stale === true && s.timestampMs === 1_700_000_005_000));
});

Deno.test("createWalSink() skips, and counts, a result older than its job's stale marker", async () => {
  const wal = recordingWal();
  const registry = new Registry();
  const sink = createWalSink(wal, { registry });
  sink.writeStale([rec("10.0.0.1:22", true)], 1_700_000_005_000);
  // A probe that was in flight when the target left (started before the marker): not written.
  sink.write([rec("10.0.0.1:22", false), rec("10.0.0.2:22", true)]);
  // The target came back: its next result is later than the marker and written.
  sink.write([{ ...rec("10.0.0.1:22", true), timestampMs: 1_700_000_006_000 }]);
  sink.write([rec("10.0.0.1:22", true)]); // the job is no longer marked as ended
  assert.deepEqual(wal.appends.map((a) => a.samples), [6, 6, 6, 6]);
  assert.equal(decodeWriteRequest(wal.appends[1]!.body)[0]!.labels.at(-2)![1], "10.0.0.2:22");
  const text = await registry.metrics();
  assert.match(text, /vmprober_push_skipped_samples_total\{reason="after_stale"\} 6/);
  assert.match(text, /vmprober_push_labels_dropped_total\{reason="empty_value"\} 0/);
});

Deno.test("createWalSink() notes every gauge family it writes for the pushed metadata", () => {
  const families = createFamilyBook();
  const sink = createWalSink(recordingWal(), { families });
  const before = families.list().length;
  sink.write([{
    ...rec("10.0.0.1:22", true),
    gauges: [{ name: "probe_http_status_code", help: "HTTP status", value: 200 }],
  }]);
  sink.write([{
    ...rec("10.0.0.1:22", true),
    gauges: [{ name: "probe_http_status_code", help: "later help loses", value: 404 }],
  }]);
  assert.equal(families.list().length, before + 1);
  assert.deepEqual(families.list().at(-1), {
    name: "probe_http_status_code",
    type: "gauge",
    help: "HTTP status",
  });
});

Deno.test("createWalSink() appends one WriteRequest per lane, each with only the jobs of its lane", () => {
  const wal = recordingWal();
  const sink = createWalSink(wal, { lanes: 4 });
  const records = Array.from({ length: 40 }, (_, i) => rec(`10.0.0.${i}:22`, i % 2 === 0));
  sink.write(records);
  sink.writeStale(records.slice(0, 10), 1_700_000_001_000);
  const lanesOf = (appends: typeof wal.appends) => appends.map((a) => a.lane);
  assert.deepEqual(lanesOf(wal.appends.slice(0, 4)), [0, 1, 2, 3]);
  assert.equal(wal.appends.slice(0, 4).reduce((n, a) => n + a.samples, 0), 240);
  for (const a of wal.appends) {
    for (const s of decodeCompressed(snappyCompress(a.body))) {
      const target = Object.fromEntries(s.labels).target!;
      assert.equal(laneOf(jobKey("ssh", target), 4), a.lane, target);
    }
  }
  const stale = wal.appends.slice(4);
  assert.equal(stale.reduce((n, a) => n + a.samples, 0), 60);
  assert.deepEqual(lanesOf(stale), lanesOf(stale).toSorted());
});

Deno.test("createWalSink() lends the WAL its encoder's buffer instead of a fresh copy per record", () => {
  const wal = recordingWal({ copy: false });
  const sink = createWalSink(wal, { lanes: 1 });
  sink.write([rec("10.0.0.1:22", true)]);
  const first = wal.appends[0]!.body;
  const firstCopy = first.slice();
  sink.write([rec("10.0.0.2:22", true)]);
  const second = wal.appends[1]!.body;
  // One buffer, written over by the next record: the WAL copies at append (append_arena.ts).
  assert.equal(second.buffer, first.buffer);
  assert.equal(second.byteOffset, 0);
  assert.equal(second.length, firstCopy.length);
  assert.notDeepEqual(second.slice(), firstCopy);
});
