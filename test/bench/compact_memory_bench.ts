/**
 * @module Compaction's memory and throughput with many series per window, in a process of its own.
 * `fill DIR`: writes a WAL through the real WAL sink as an agent with BENCH_TARGETS (10,000) ICMP
 * targets every 10 s would in BENCH_SECONDS (180) seconds, compaction off. `compact DIR ROOT`:
 * opens that WAL with the WAL code of the source tree ROOT (this tree or another checkout) and
 * compaction on, waits for it, and prints one JSON line: RSS and peak RSS once open, peak RSS
 * after, seconds, samples/s of the sealed segments compacted, bytes before and after. Run each
 * `compact` on a fresh copy of the filled directory:
 *
 *   deno run -A test/bench/compact_memory_bench.ts fill /tmp/w
 *   cp -a /tmp/w /tmp/w1 && deno run -A test/bench/compact_memory_bench.ts compact /tmp/w1 .
 */
import { Registry } from "../../src/base/prom.ts";
import { jobKey } from "../../src/base/job_key.ts";
import { rttStats } from "../../src/probes/icmp/rtt_stats.ts";
import type { ResultRecord } from "../../src/results/types.ts";

const TARGETS = Number(Deno.env.get("BENCH_TARGETS") ?? 10_000);
const SECONDS = Number(Deno.env.get("BENCH_SECONDS") ?? 180);
const INTERVAL_S = 10;
/** Compaction's window bytes (default: the WAL's own). */
const WINDOW_BYTES = Number(Deno.env.get("BENCH_WINDOW_BYTES") ?? 0);

/** One second of results: every target runs once per INTERVAL_S, spread over the interval. */
function second(s: number): ResultRecord[] {
  const out: ResultRecord[] = [];
  const t0 = 1_700_000_000_000 + s * 1000;
  const per = TARGETS / INTERVAL_S;
  for (let k = 0; k < per; k++) {
    const i = (s % INTERVAL_S) * per + k;
    const target = `127.79.${i >> 8}.${i & 255}`;
    const rtt = 0.00004 + ((i * 13 + s) % 97) / 1e7;
    out.push({
      timestampMs: t0 + Math.floor((k * 1000) / per),
      target,
      probe: "icmp",
      key: jobKey("icmp", target),
      type: "icmp",
      labels: {},
      success: true,
      durationSeconds: rtt + 0.00002,
      ipProtocol: 4,
      attempts: 1,
      icmp: rttStats(1, [rtt]),
    });
  }
  return out;
}

function walOptions(dir: string, compact: boolean) {
  return {
    dir,
    segmentSize: 16 * 1024 ** 2,
    maxSize: 4 * 1024 ** 3,
    fsync: "batch" as const,
    fsyncIntervalMs: 1000,
    registry: new Registry(),
    compact,
    ...(WINDOW_BYTES ? { compactWindowBytes: WINDOW_BYTES } : {}),
  };
}

/** Peak and current RSS of this process, MB. */
function rss(): { hwm: number; now: number } {
  const status = Deno.readTextFileSync("/proc/self/status");
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, "m").exec(status)![1]) / 1024;
  return { hwm: kb("VmHWM"), now: kb("VmRSS") };
}

async function dirBytes(dir: string): Promise<number> {
  let n = 0;
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile) n += (await Deno.stat(`${dir}/${e.name}`)).size;
  }
  return n;
}

const [mode, dir, root] = Deno.args;
if (mode === "fill" && dir) {
  const { openWal } = await import("../../src/wal/wal.ts");
  const { createWalSink } = await import("../../src/wal/wal_sink.ts");
  const wal = await openWal(walOptions(dir, false));
  const sink = createWalSink(wal);
  for (let s = 0; s < SECONDS; s++) {
    sink.write(second(s));
    await wal.flush();
  }
  await wal[Symbol.asyncDispose]();
  console.log(JSON.stringify({ filled: dir, bytes: await dirBytes(dir) }));
} else if (mode === "compact" && dir && root) {
  const base = new URL(`${root.replace(/\/$/, "")}/`, `file://${Deno.cwd()}/`);
  const { openWal } = await import(new URL("src/wal/wal.ts", base).href);
  const before = await dirBytes(dir);
  // Samples of the sealed segments, the ones compaction rewrites (read with this tree's code).
  const { recoverWal } = await import("../../src/wal/recover.ts");
  const { index } = await recoverWal(dir, { repair: false });
  const sealed = index.segments.slice(0, -1).reduce((n, s) => n + s.totalSamples, 0);
  const wal = await openWal({ ...walOptions(dir, true), compactHeld: true });
  const samples = wal.stats().samples;
  (globalThis as { gc?: () => void }).gc?.();
  const open = rss();
  const t0 = performance.now();
  wal.holdCompaction(false);
  await wal.compaction();
  const seconds = (performance.now() - t0) / 1000;
  const done = rss();
  await wal[Symbol.asyncDispose]();
  console.log(JSON.stringify({
    root,
    openRssMb: Math.round(open.now),
    openHwmMb: Math.round(open.hwm),
    peakRssMb: Math.round(done.hwm),
    seconds: Math.round(seconds * 100) / 100,
    samples,
    sealedSamples: sealed,
    samplesPerS: Math.round(sealed / seconds),
    bytesBefore: before,
    bytesAfter: await dirBytes(dir),
  }));
} else {
  console.error("usage: compact_memory_bench.ts fill DIR | compact DIR ROOT");
  Deno.exit(2);
}
