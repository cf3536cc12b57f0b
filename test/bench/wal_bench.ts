/**
 * WAL benchmarks (fsync batch): appends through the WAL sink, sequential reads, and bytes per sample
 * on disk for typical probe series, before and after compaction (with its throughput and longest
 * slice of event-loop work). Run: `deno bench -A test/bench/wal_bench.ts`.
 * Each bench name says how many samples one iteration moves: samples/s = that / time per iteration.
 */
import type { ResultRecord } from "../../src/results/types.ts";
import { rttStats } from "../../src/probes/icmp/rtt_stats.ts";
import { openWal } from "../../src/wal/wal.ts";
import { createWalSink } from "../../src/wal/wal_sink.ts";
import { snappyUncompress } from "../../src/wal/snappy.ts";
import { recordToSeries } from "../_support/record_series.ts";
import { recoverWal } from "../../src/wal/recover.ts";
import { jobKey } from "../../src/base/job_key.ts";
import { walTestOptions } from "../_support/wal_test_options.ts";

/** The benchmarks' WAL: 16 MiB segments, fsync batch. */
const benchWalOptions = (dir: string) =>
  walTestOptions(dir, { segmentSize: 16 << 20, fsync: "batch" });

const LABELS = ["db", "web", "cache"].map((role) => ({ site: "fra1", env: "prod", role }));

const TARGETS = 1000;

/** One round of typical results: per target a TCP record (3 samples) and every 4th an ICMP one. */
function round(r: number): ResultRecord[] {
  const out: ResultRecord[] = [];
  const t0 = 1_700_000_000_000 + r * 15_000;
  for (let i = 0; i < TARGETS; i++) {
    const target = `10.${(i >> 8) & 255}.${i & 255}.1`;
    const labels = { site: "fra1", role: i % 3 === 0 ? "db" : "web" };
    const ok = (i * 7 + r) % 50 !== 0;
    out.push({
      timestampMs: t0 + (i % 997) * 13,
      target: `${target}:22`,
      probe: "tcp_ssh",
      key: jobKey("tcp_ssh", `${target}:22`),
      type: "tcp",
      labels,
      success: ok,
      durationSeconds: Math.round((0.0002 + Math.random() * 0.02) * 1e6) / 1e6,
      reason: ok ? undefined : "timeout",
      ipProtocol: 4,
      attempts: 1,
    });
    if (i % 4 === 0) {
      const rtts = [0.011, 0.012, 0.0105].map((x) =>
        Math.round((x + Math.random() * 0.002) * 1e6) / 1e6
      );
      out.push({
        timestampMs: t0 + (i % 997) * 13 + 1,
        target,
        probe: "icmp",
        key: jobKey("icmp", target),
        type: "icmp",
        labels,
        success: true,
        durationSeconds: 0.25,
        ipProtocol: 4,
        attempts: 1,
        icmp: rttStats(3, rtts),
      });
    }
  }
  return out;
}

const ROUNDS = Array.from({ length: 8 }, (_, r) => round(r));
const SAMPLES_PER_ROUND = ROUNDS[0]!.reduce((n, rec) => n + recordToSeries(rec).length, 0);

const dir = await Deno.makeTempDir({ prefix: "wal_bench_" });
const wal = await openWal(benchWalOptions(`${dir}/append`));
const sink = createWalSink(wal);
let r = 0;

Deno.bench(`append ${SAMPLES_PER_ROUND} samples through the WAL sink, then flush (fsync batch)`, {
  group: "append",
}, async () => {
  // Results arrive in small batches as probes finish: 100 records per sink write.
  const recs = ROUNDS[r++ % ROUNDS.length]!;
  for (let i = 0; i < recs.length; i += 100) sink.write(recs.slice(i, i + 100));
  await wal.flush();
});

// A WAL holding 40 rounds for the read benchmark, and the bytes-per-sample figure.
const readDir = `${dir}/read`;
{
  await using w = await openWal(benchWalOptions(readDir));
  const s = createWalSink(w);
  for (let k = 0; k < 40; k++) {
    const recs = round(k);
    for (let i = 0; i < recs.length; i += 100) s.write(recs.slice(i, i + 100));
    await w.flush(); // one flush per 15 s round ≈ fsync_interval 1 s with 1000 targets at 15 s
  }
  const st = w.stats();
  console.log(
    `on disk: ${st.samples} samples in ${st.bytes} bytes = ${
      (st.bytes / st.samples).toFixed(2)
    } bytes/sample ` +
      `(${st.records} records, ${(st.samples / st.records).toFixed(0)} samples/record)`,
  );
}
const reader = await openWal(benchWalOptions(readDir));
const READ_SAMPLES = reader.stats().samples;

Deno.bench(`read ${READ_SAMPLES} samples sequentially (4 MiB reads, checksums checked)`, {
  group: "read",
}, async () => {
  let n = 0;
  for (let offset = 0;;) {
    const es = await reader.read(offset, { maxBytes: 4 << 20 });
    if (es.length === 0) break;
    for (const e of es) n += e.samples;
    offset = es.at(-1)!.nextOffset;
  }
  if (n !== READ_SAMPLES) throw new Error(`read ${n} of ${READ_SAMPLES}`);
});

Deno.bench(
  `read and decompress ${READ_SAMPLES} samples sequentially`,
  { group: "read" },
  async () => {
    let bytes = 0;
    for (let offset = 0;;) {
      const es = await reader.read(offset, { maxBytes: 4 << 20 });
      if (es.length === 0) break;
      for (const e of es) bytes += snappyUncompress(e.compressed).length;
      offset = es.at(-1)!.nextOffset;
    }
    if (bytes === 0) throw new Error("nothing read");
  },
);

// Compaction of a realistic backlog: 1,000 TCP targets (success, duration, ip_protocol) and 100
// ICMP targets (7 samples) at 1 s, 6 minutes queued with the pusher away (fsync_interval 1 s: one
// record per second), 16 MiB segments. Durations and RTTs are full-precision doubles.
{
  const cdir = `${dir}/compact`;
  const second = (s: number): ResultRecord[] => {
    const out: ResultRecord[] = [];
    const t0 = 1_700_000_000_000 + s * 1000;
    for (let i = 0; i < 1000; i++) {
      const ok = (i * 7 + s) % 50 !== 0;
      out.push({
        timestampMs: t0 + (i % 997),
        target: `10.${(i >> 8) & 255}.${i & 255}.1:443`,
        probe: "tcp_https",
        key: jobKey("tcp_https", `10.${(i >> 8) & 255}.${i & 255}.1:443`),
        type: "tcp",
        labels: LABELS[i % 3]!,
        success: ok,
        durationSeconds: 0.0002 + Math.random() * 0.02,
        reason: ok ? undefined : "timeout",
        ipProtocol: 4,
        attempts: 1,
      });
    }
    for (let i = 0; i < 100; i++) {
      const rtts = [0.011, 0.012, 0.0105].map((x) => x + Math.random() * 0.002);
      out.push({
        timestampMs: t0 + i * 3 + 1,
        target: `10.9.${i}.1`,
        probe: "icmp",
        key: jobKey("icmp", `10.9.${i}.1`),
        type: "icmp",
        labels: LABELS[i % 3]!,
        success: true,
        durationSeconds: 0.013 + Math.random() * 0.001,
        ipProtocol: 4,
        attempts: 1,
        icmp: rttStats(3, rtts),
      });
    }
    return out;
  };
  const opts = benchWalOptions(cdir);
  {
    await using w = await openWal(opts);
    const s = createWalSink(w);
    for (let k = 0; k < 360; k++) {
      const recs = second(k);
      for (let i = 0; i < recs.length; i += 100) s.write(recs.slice(i, i + 100));
      await w.flush();
    }
  }
  const { index } = await recoverWal(cdir, { repair: false });
  const sealed = index.segments.slice(0, -1);
  const sealedBytes = sealed.reduce((n, x) => n + x.size, 0);
  const sealedSamples = sealed.reduce((n, x) => n + x.totalSamples, 0);
  let maxSlice = 0;
  let last = 0;
  const started = performance.now();
  await using w = await openWal({
    ...opts,
    compact: true,
    compactPause: async () => {
      maxSlice = Math.max(maxSlice, performance.now() - last);
      await new Promise((r) => setTimeout(r, 0));
      last = performance.now();
    },
  });
  last = performance.now();
  await w.compaction();
  const seconds = (performance.now() - started) / 1000;
  const after = (await recoverWal(cdir, { repair: false })).index.segments.slice(0, -1);
  const afterBytes = after.reduce((n, x) => n + x.size, 0);
  const st = w.stats();
  console.log(
    `compaction: ${sealed.length} sealed segments, ${sealedSamples} samples: ` +
      `${(sealedBytes / sealedSamples).toFixed(2)} → ${(afterBytes / sealedSamples).toFixed(2)} ` +
      `bytes/sample; whole WAL (active segment not compacted) ${
        (st.bytes / st.samples).toFixed(2)
      } bytes/sample; ${(sealedSamples / seconds).toFixed(0)} samples/s; ` +
      `longest slice ${maxSlice.toFixed(1)} ms`,
  );
}

globalThis.addEventListener("unload", () => {
  Deno.removeSync(dir, { recursive: true });
});
