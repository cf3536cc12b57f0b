/**
 * Push benchmarks against a real VictoriaMetrics on loopback:
 * - backlog drain: a WAL holding 1,000,000 samples pushed at full speed (samples/s);
 * - steady state: 1,000 targets probed every second (2,000 samples/s) through the WAL sink, WAL and
 *   pusher, CPU ms per second of the agent process with and without the pusher.
 *
 * Run: deno bench -A --unstable-net test/bench/push_bench.ts (PUSH_IN_FLIGHT=N: requests in flight)
 */
import { cpuUsage } from "node:process";
import { Registry } from "../../src/base/prom.ts";
import type { PushConfig } from "../../src/push/client.ts";
import { createPusher } from "../../src/push/pusher.ts";
import type { ResultRecord } from "../../src/results/types.ts";
import { systemClock } from "../../src/base/clock.ts";
import { openWal } from "../../src/wal/wal.ts";
import { createWalSink } from "../../src/wal/wal_sink.ts";
import { startVictoriaMetrics } from "../_support/vm_server.ts";
import { pushTestConfig } from "../_support/push_config.ts";
import { jobKey } from "../../src/base/job_key.ts";

const BACKLOG_SAMPLES = 1_000_000;
const TARGETS = 1000;
const STEADY_SECONDS = 5;

function pushConfig(url: string): PushConfig {
  return pushTestConfig(url, {
    max_backoff: 1000,
    timeout: 30_000,
    extra_labels: { env: "bench" },
  });
}

function results(n: number, t: number): ResultRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    timestampMs: t,
    target: `10.0.${i >> 8}.${i & 255}:22`,
    probe: "tcp_ssh",
    key: jobKey("tcp_ssh", `10.0.${i >> 8}.${i & 255}:22`),
    type: "tcp" as const,
    labels: { site: "fra1", role: "edge" },
    success: true,
    durationSeconds: 0.000123 * (i + 1),
    attempts: 1,
  }));
}

async function tempWal(registry: Registry) {
  const dir = await Deno.makeTempDir({ prefix: "push_bench_wal_" });
  const wal = await openWal({
    dir,
    segmentSize: 16 * 1024 ** 2,
    maxSize: 1024 ** 3,
    fsync: "batch",
    fsyncIntervalMs: 1000,
    registry,
  });
  return {
    wal,
    async [Symbol.asyncDispose]() {
      await wal[Symbol.asyncDispose]();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.bench({
  name: `drain a WAL backlog of ${BACKLOG_SAMPLES} samples to VictoriaMetrics`,
  n: 1,
  warmup: 0,
  async fn(b) {
    await using vm = await startVictoriaMetrics();
    const registry = new Registry();
    await using w = await tempWal(registry);
    const sink = createWalSink(w.wal, { extraLabels: { env: "bench" } });
    // A backlog as an outage leaves it: one record per 100 results, 15 s apart per target.
    const t0 = Date.now() - 3_600_000;
    for (let i = 0; i < BACKLOG_SAMPLES / 200; i++) {
      sink.write(results(100, t0 + i * 15));
    }
    await w.wal.flush();
    const pusher = createPusher({
      wal: w.wal,
      config: pushConfig(vm.writeUrl),
      clock: systemClock,
      registry,
    });
    const cpu0 = cpuUsage();
    b.start();
    const start = performance.now();
    await pusher.start();
    while (w.wal.pushPosition < w.wal.stats().end_offset) {
      await new Promise((r) => setTimeout(r, 5));
    }
    const seconds = (performance.now() - start) / 1000;
    b.end();
    const cpu = cpuUsage(cpu0);
    await pusher.stop();
    const received = await vm.rowsReceived();
    console.log(
      `drain: ${BACKLOG_SAMPLES} samples in ${seconds.toFixed(2)} s = ` +
        `${Math.round(BACKLOG_SAMPLES / seconds)} samples/s; agent CPU ` +
        `${((cpu.user + cpu.system) / 1000).toFixed(0)} ms; VictoriaMetrics received ${received}`,
    );
  },
});

async function steady(withPusher: boolean): Promise<number> {
  await using vm = await startVictoriaMetrics();
  const registry = new Registry();
  await using w = await tempWal(registry);
  const sink = createWalSink(w.wal, { extraLabels: { env: "bench" } });
  const pusher = createPusher({
    wal: w.wal,
    config: pushConfig(vm.writeUrl),
    clock: systemClock,
    registry,
  });
  if (withPusher) await pusher.start();
  const batch = TARGETS / 10;
  const cpu0 = cpuUsage();
  // 1,000 targets at 1 s: 100 results every 100 ms (as jittered schedules spread them).
  for (let tick = 0; tick < STEADY_SECONDS * 10; tick++) {
    sink.write(results(batch, Date.now()));
    await new Promise((r) => setTimeout(r, 100));
  }
  const cpu = cpuUsage(cpu0);
  await pusher.stop();
  return (cpu.user + cpu.system) / 1000 / STEADY_SECONDS;
}

Deno.bench({
  name: `steady state: ${TARGETS} targets at 1 s, CPU of sink + WAL (+ pusher)`,
  n: 1,
  warmup: 0,
  async fn() {
    const without = await steady(false);
    const withPush = await steady(true);
    console.log(
      `steady: ${TARGETS * 2} samples/s; CPU sink+WAL ${without.toFixed(1)} ms/s, ` +
        `sink+WAL+push ${withPush.toFixed(1)} ms/s, push alone ≈ ${
          (withPush - without).toFixed(1)
        } ms/s`,
    );
  },
});
