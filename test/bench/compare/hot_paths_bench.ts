/**
 * Micro-benchmarks of the per-probe hot paths the comparison profile pointed at:
 * - one TCP result record → remote-write bytes: the generic encoder (recordToSeries +
 *   encodeWriteRequest, label text encoded per sample) against the WAL sink's cached encoder;
 * - the same for an ICMP record (9 samples);
 * - packing and snappy-compressing one second of appends at 10,000 probes/s, the work a WAL flush
 *   does on the event loop.
 *
 * Run: deno bench -A test/bench/compare/hot_paths_bench.ts
 */
import { encodeWriteRequest } from "../../_support/remote_write.ts";
import { createRecordEncoder } from "../../../src/results/record_encoder.ts";
import { recordToSeries } from "../../_support/record_series.ts";
import type { ResultRecord } from "../../../src/results/types.ts";
import { packFrames } from "../../../src/wal/batch.ts";
import { oneEchoStats } from "../../_support/one_echo_stats.ts";
import { jobKey } from "../../../src/base/job_key.ts";

const JOBS = 1000;
const labels = Array.from({ length: JOBS }, () => ({ site: "fra1", role: "edge" }));
const tcp = (i: number): ResultRecord => ({
  timestampMs: 1_700_000_000_000 + i,
  target: `127.77.${(i % JOBS) >> 8}.${i & 255}:4000`,
  probe: "tcp",
  key: jobKey("tcp", `127.77.${(i % JOBS) >> 8}.${i & 255}:4000`),
  type: "tcp",
  labels: labels[i % JOBS]!,
  success: true,
  durationSeconds: 0.0001234 + i * 1e-9,
  attempts: 1,
  ipProtocol: 4,
});
const icmp = (i: number): ResultRecord => ({
  ...tcp(i),
  type: "icmp",
  probe: "icmp",
  key: jobKey("icmp", tcp(i).target),
  icmp: oneEchoStats(0.00002),
});
const tcpRecords = Array.from({ length: JOBS }, (_, i) => tcp(i));
const icmpRecords = Array.from({ length: JOBS }, (_, i) => icmp(i));
const encoder = createRecordEncoder();
let k = 0;

Deno.bench("TCP record → bytes: recordToSeries + encodeWriteRequest", { group: "tcp" }, () => {
  encodeWriteRequest(recordToSeries(tcpRecords[k++ % JOBS]!));
});
Deno.bench("TCP record → bytes: cached record encoder", { group: "tcp", baseline: true }, () => {
  encoder.encode([tcpRecords[k++ % JOBS]!]);
});
Deno.bench("ICMP record → bytes: recordToSeries + encodeWriteRequest", { group: "icmp" }, () => {
  encodeWriteRequest(recordToSeries(icmpRecords[k++ % JOBS]!));
});
Deno.bench("ICMP record → bytes: cached record encoder", { group: "icmp", baseline: true }, () => {
  encoder.encode([icmpRecords[k++ % JOBS]!]);
});

const second = Array.from({ length: 10_000 }, (_, i) => {
  const { bytes, samples } = encoder.encode([tcpRecords[i % JOBS]!]);
  return { body: bytes, samples };
});
Deno.bench("WAL flush: pack + snappy one second at 10,000 TCP probes/s (1 MiB frames)", () => {
  packFrames(second, 1024 * 1024);
});
