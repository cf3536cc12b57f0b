/**
 * The pusher over the real file WAL to a real VictoriaMetrics on loopback: every record arrives
 * with its own timestamp and labels, and an outage of VictoriaMetrics loses nothing.
 */
import assert from "node:assert/strict";
import { Registry } from "../../src/base/prom.ts";
import { createPusher } from "../../src/push/pusher.ts";
import type { ResultRecord } from "../../src/results/types.ts";
import { systemClock } from "../../src/base/clock.ts";
import { openWal } from "../../src/wal/wal.ts";
import { createWalSink } from "../../src/wal/wal_sink.ts";
import { startVictoriaMetrics } from "../_support/vm_server.ts";
import { pushTestConfig } from "../_support/push_config.ts";
import { jobKey } from "../../src/base/job_key.ts";

function record(i: number, t0: number): ResultRecord {
  return {
    timestampMs: t0 + i * 10,
    target: `127.0.0.1:${2000 + (i % 50)}`,
    probe: "tcp_test",
    key: jobKey("tcp_test", `127.0.0.1:${2000 + (i % 50)}`),
    type: "tcp",
    labels: { site: "itest" },
    success: i % 3 !== 0,
    durationSeconds: (i + 1) / 10_000,
    attempts: 1,
  };
}

async function counter(registry: Registry, name: string, labels: Record<string, string> = {}) {
  const m = registry.getSingleMetric(name);
  const v = (await m!.get()).values.find((x) =>
    Object.entries(labels).every(([k, l]) => x.labels[k] === l)
  );
  return v?.value ?? 0;
}

async function until(what: string, cond: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

/** (series key, timestamp) → value of everything exported. */
function flatten(
  series: { metric: Record<string, string>; values: number[]; timestamps: number[] }[],
) {
  const out = new Map<string, number>();
  for (const s of series) {
    const key = `${s.metric.target}|${s.metric.probe}`;
    s.timestamps.forEach((t, i) => out.set(`${key}|${t}`, s.values[i]!));
  }
  return out;
}

Deno.test("pusher delivers every WAL record to VictoriaMetrics, through an outage", async () => {
  await using vm = await startVictoriaMetrics();
  const dir = await Deno.makeTempDir({ prefix: "push_vm_wal_" });
  const registry = new Registry();
  const wal = await openWal({
    dir,
    segmentSize: 64 * 1024,
    maxSize: 64 * 1024 ** 2,
    fsync: "never",
    fsyncIntervalMs: 10,
    registry,
  });
  try {
    const sink = createWalSink(wal, { extraLabels: { env: "ci" } });
    const pusher = createPusher({
      wal,
      config: pushTestConfig(vm.writeUrl),
      clock: systemClock,
      registry,
    });
    await pusher.start();
    const t0 = Date.now() - 60_000;
    const records = Array.from({ length: 600 }, (_, i) => record(i, t0));

    // Phase 1: VictoriaMetrics up.
    for (let i = 0; i < 200; i += 20) sink.write(records.slice(i, i + 20));
    await wal.flush();
    await until("first drain", () => wal.pushPosition === wal.stats().end_offset);

    // Phase 2: outage; the pusher keeps failing while results pile up in the WAL.
    const receivedBefore = await vm.rowsReceived(); // VictoriaMetrics' counter restarts with it
    await vm.stop();
    for (let i = 200; i < 600; i += 20) sink.write(records.slice(i, i + 20));
    await wal.flush();
    await until(
      "a failed attempt",
      async () =>
        await counter(registry, "vmprober_push_requests_total", { status: "network" }) >= 2,
    );
    assert.equal(wal.stats().pending_samples > 0, true);
    assert.equal(pusher.pushStatus().consecutive_failures >= 2, true);
    await vm.start();
    await until("drain after the outage", () => wal.pushPosition === wal.stats().end_offset);
    assert.equal(pusher.pushStatus().consecutive_failures, 0);
    await pusher.stop();

    const success = await vm.waitForSamples('{__name__="probe_success",site="itest"}', 600);
    const duration = await vm.waitForSamples('{__name__="probe_duration_seconds"}', 600);
    const got = flatten(success);
    assert.equal(got.size, 600);
    for (const [i, r] of records.entries()) {
      assert.equal(got.get(`${r.target}|${r.probe}|${r.timestampMs}`), r.success ? 1 : 0, `#${i}`);
    }
    const durations = flatten(duration);
    assert.equal(durations.size, 600);
    for (const r of records) {
      const v = durations.get(`${r.target}|${r.probe}|${r.timestampMs}`);
      // Stored at float32 precision; VictoriaMetrics keeps ~12 significant digits of that.
      const stored = Math.fround(r.durationSeconds);
      assert.ok(v !== undefined && Math.abs(v - stored) <= Math.abs(stored) * 1e-11, `${v}`);
    }
    for (const s of success) {
      assert.deepEqual(
        { site: s.metric.site, env: s.metric.env, type: s.metric.type },
        { site: "itest", env: "ci", type: "tcp" },
      );
    }
    // 600 TCP records × blackbox's 6 TCP families (success, duration, lookup time, IP protocol,
    // address hash, failed due to regex).
    assert.equal(await counter(registry, "vmprober_push_samples_total"), 3600);
    assert.equal(
      await counter(registry, "vmprober_push_dropped_samples_total", { reason: "rejected" }),
      0,
    );
    // At-least-once: VictoriaMetrics received every sample once; nothing was resent.
    assert.deepEqual([receivedBefore, await vm.rowsReceived()], [1200, 2400]); // 6 series a record
  } finally {
    await wal[Symbol.asyncDispose]();
    await Deno.remove(dir, { recursive: true });
  }
});
