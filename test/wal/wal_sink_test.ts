import assert from "node:assert/strict";
import { createWalSink } from "../../src/wal/wal_sink.ts";
import { snappyCompress } from "../../src/wal/snappy.ts";
import type { Wal, WalStats } from "../../src/wal/types.ts";
import type { ResultRecord } from "../../src/results/types.ts";
import { decodeCompressed } from "../_support/wal_decode.ts";
import { jobKey } from "../../src/base/job_key.ts";

/** A Wal that only records appends. */
function recordingWal(): Wal & { appends: Array<{ body: Uint8Array; samples: number }> } {
  const appends: Array<{ body: Uint8Array; samples: number }> = [];
  return {
    appends,
    append(body, samples) {
      appends.push({ body, samples });
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
  const sink = createWalSink(wal, { extraLabels: { agent: "a1", site: "ignored" } });
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
  assert.deepEqual(series.map((s) => [s.labels[0]![1], s.value]), [...tcp(1), ...tcp(0)]);
  assert.deepEqual(series[0]!.labels, [
    ["__name__", "probe_success"],
    ["instance", "10.0.0.1:22"],
    ["job", "ssh"],
    ["probe", "ssh"],
    ["type", "tcp"],
    ["target", "10.0.0.1:22"],
    ["site", "fra1"],
    ["agent", "a1"],
  ]);
  assert.equal(series[6]!.timestampMs, 1_700_000_000_123);
});
