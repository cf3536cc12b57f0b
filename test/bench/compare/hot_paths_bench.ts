/**
 * Micro-benchmarks of the per-probe hot paths the comparison profile pointed at:
 * - one TCP result record → remote-write bytes: the generic encoder (recordToSeries +
 *   encodeWriteRequest, label text encoded per sample) against the WAL sink's cached encoder;
 * - the same for an ICMP record (9 samples);
 * - packing and snappy-compressing one second of appends at 10,000 probes/s, the work a WAL flush
 *   does on the event loop;
 * - an HTTP record (17 samples, 5 with a phase label) → bytes, and snappy on 1,000 of them: our
 *   compressor against snappyjs'.
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
import { httpGauges } from "../../../src/probes/http/http_gauges.ts";
import { compressSnappy } from "../../../src/wal/snappy_compress.ts";
// @ts-types="../../_support/snappyjs.d.ts"
import * as snappyjs from "snappyjs";

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

const http = (i: number): ResultRecord => {
  const target = `http://127.0.0.1:8080/ok?n=${i % 200}`;
  return {
    ...tcp(i),
    type: "http",
    probe: "http_2xx",
    target,
    key: jobKey("http_2xx", target),
    gauges: httpGauges({
      lookupSeconds: 0,
      phases: { resolve: 0, connect: 1e-4 + i * 1e-9, tls: 0, processing: 2e-4, transfer: 1e-5 },
      status: 200,
      contentLength: 3,
      uncompressedLength: 3,
      redirects: 0,
      ssl: false,
      version: 1.1,
      failedDueToRegex: false,
    }),
  };
};
const httpRecords = Array.from({ length: 1000 }, (_, i) => http(i));
Deno.bench("HTTP record → bytes: cached record encoder (a copy)", { group: "http" }, () => {
  encoder.encode([httpRecords[k++ % 1000]!]);
});
Deno.bench("HTTP record → bytes: cached record encoder (a view)", { group: "http" }, () => {
  encoder.encodeView([httpRecords[k++ % 1000]!]);
});
const httpJoined = (() => {
  const parts = httpRecords.map((r) => encoder.encode([r]).bytes);
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
})();
Deno.bench(
  "snappy 1,000 HTTP records (3.4 MB): snappyjs",
  { group: "snappy", baseline: true },
  () => {
    snappyjs.compress(httpJoined);
  },
);
Deno.bench("snappy 1,000 HTTP records (3.4 MB): compressSnappy", { group: "snappy" }, () => {
  compressSnappy(httpJoined);
});
