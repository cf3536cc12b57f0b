/**
 * @module Workload 3: backlog drain. The same N samples (BENCH_DRAIN_SAMPLES, default 2,000,000;
 * the 10,000,000 takes minutes per run on a 2-core box) are queued while VictoriaMetrics is
 * unreachable, then delivered:
 * - ours: the agent's WAL is pre-filled through the real WAL sink; then the bundled agent starts
 *   with `push` to a running VictoriaMetrics;
 * - vmagent: fed the same samples (same remote-write bodies) on its own `/api/v1/write` while its
 *   `-remoteWrite.url` points to the stopped VictoriaMetrics, then stopped (its queue persists);
 *   then VictoriaMetrics starts and vmagent starts again on the same queue.
 * Both clocks run from the process spawn to VictoriaMetrics counting all N samples as inserted.
 */
import { Registry } from "prom-client";
import { encodeWriteRequest } from "../../../src/push/remote_write.ts";
import { recordToSeries, type Series } from "../../../src/results/series.ts";
import type { ResultRecord } from "../../../src/results/types.ts";
import { snappyCompress } from "../../../src/wal/snappy.ts";
import { openWal } from "../../../src/wal/wal.ts";
import { createWalSink } from "../../../src/wal/wal_sink.ts";
import { startVictoriaMetrics, type VmServer } from "../../_support/vm_server.ts";
import {
  agentFlags,
  BUNDLE,
  type Figure,
  freePort,
  round,
  sleep,
  spawnPeer,
  waitHttp,
} from "./_common.ts";
import { DENO } from "../../_support/agent_process.ts";

const SAMPLES = Number(Deno.env.get("BENCH_DRAIN_SAMPLES") ?? 2_000_000);
const PER_RECORD = 100; // results per WAL record (2 samples each)
const DRAIN_TIMEOUT_MS = 180_000;

/** Batch `b` of the backlog: 100 results 15 s after the previous batch, an hour ago. */
function batch(b: number, t0: number): ResultRecord[] {
  return Array.from({ length: PER_RECORD }, (_, i) => ({
    timestampMs: t0 + b * 15,
    target: `10.0.${i >> 8}.${i & 255}:22`,
    probe: "tcp_ssh",
    type: "tcp" as const,
    labels: { site: "fra1", role: "edge" },
    success: true,
    durationSeconds: 0.000123 * (i + 1) + b * 1e-9,
    attempts: 1,
  }));
}

const batches = () => SAMPLES / (PER_RECORD * 2);

/** Waits until VictoriaMetrics has inserted `n` rows; returns ms since `t0`. */
async function waitRows(vm: VmServer, n: number, t0: number): Promise<number> {
  for (;;) {
    const rows = await vm.rowsReceived();
    if (rows >= n) return performance.now() - t0;
    if (performance.now() - t0 > DRAIN_TIMEOUT_MS) {
      throw new Error(`drain timed out: ${rows} of ${n} samples after ${DRAIN_TIMEOUT_MS} ms`);
    }
    await sleep(20);
  }
}

/** Ours: a pre-filled WAL, then the agent process pushing it. */
export async function agentDrainRun(): Promise<number> {
  const dir = await Deno.makeTempDir({ prefix: "bench_drain_" });
  try {
    const wal = await openWal({
      dir: `${dir}/wal`,
      segmentSize: 16 * 1024 ** 2,
      maxSize: 4 * 1024 ** 3,
      fsync: "batch",
      fsyncIntervalMs: 1000,
      registry: new Registry(),
    });
    const sink = createWalSink(wal);
    const t0 = Date.now() - 3_600_000;
    for (let b = 0; b < batches(); b++) sink.write(batch(b, t0));
    await wal[Symbol.asyncDispose]();
    await using vm = await startVictoriaMetrics();
    const port = freePort();
    await Deno.writeTextFile(
      `${dir}/vmprober.yaml`,
      `agent: {listen: "127.0.0.1:${port}", log: {level: warning, format: json}}
probes: {tcp: {type: tcp}}
targets: []
wal: {dir: ${dir}/wal}
push: {url: ${vm.writeUrl}}
`,
    );
    const start = performance.now();
    await using _agent = spawnPeer(DENO, [
      "run",
      ...agentFlags(),
      BUNDLE,
      "run",
      "--config",
      `${dir}/vmprober.yaml`,
    ]);
    return await waitRows(vm, SAMPLES, start);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** vmagent: fed while VictoriaMetrics is down, restarted on its persistent queue once it is up. */
export async function vmagentDrainRun(): Promise<number> {
  const dir = await Deno.makeTempDir({ prefix: "bench_vmagent_" });
  try {
    await using vm = await startVictoriaMetrics();
    await vm.stop();
    const port = freePort();
    const args = [
      `-httpListenAddr=127.0.0.1:${port}`,
      `-remoteWrite.url=${vm.writeUrl}`,
      `-remoteWrite.tmpDataPath=${dir}/queue`,
      "-loggerLevel=ERROR",
    ];
    {
      await using feeding = spawnPeer("vmagent", args);
      await waitHttp(`http://127.0.0.1:${port}/health`);
      const t0 = Date.now() - 3_600_000;
      // 10,000 samples per request: the same series, values and timestamps as our WAL holds.
      const perRequest = 50;
      for (let b = 0; b < batches(); b += perRequest) {
        const series: Series[] = [];
        for (let k = b; k < Math.min(b + perRequest, batches()); k++) {
          for (const r of batch(k, t0)) series.push(...recordToSeries(r));
        }
        const r = await fetch(`http://127.0.0.1:${port}/api/v1/write`, {
          method: "POST",
          headers: {
            "Content-Encoding": "snappy",
            "Content-Type": "application/x-protobuf",
            "X-Prometheus-Remote-Write-Version": "0.1.0",
          },
          body: snappyCompress(encodeWriteRequest(series)) as Uint8Array<ArrayBuffer>,
        });
        await r.body?.cancel();
        if (r.status !== 204 && r.status !== 200) throw new Error(`vmagent: HTTP ${r.status}`);
      }
      await feeding.stop();
    }
    await vm.start();
    const start = performance.now();
    await using _drain = spawnPeer("vmagent", args);
    return await waitRows(vm, SAMPLES, start);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** One run of workload 3. */
export async function drainCompare(): Promise<Figure[]> {
  const peerMs = await vmagentDrainRun();
  const oursMs = await agentDrainRun();
  console.error(`  drain ${SAMPLES}: ours ${round(oursMs)} ms, vmagent ${round(peerMs)} ms`);
  const w = `drain ${SAMPLES / 1e6} M samples`;
  return [
    {
      workload: w,
      metric: "time to deliver all",
      unit: "s",
      ours: round(oursMs / 1000, 2),
      peer: round(peerMs / 1000, 2),
      peerName: "vmagent",
      better: "lower",
    },
    {
      workload: w,
      metric: "samples/s",
      unit: "/s",
      ours: round(SAMPLES / (oursMs / 1000), 0),
      peer: round(SAMPLES / (peerMs / 1000), 0),
      peerName: "vmagent",
      better: "higher",
      goal: ">= peer",
    },
  ];
}
