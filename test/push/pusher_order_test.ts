/**
 * The pusher's per-series order with requests in flight, against a loopback receiver that delays
 * each request by a seeded random 0–60 ms; and the metadata requests beside the data.
 */
import assert from "node:assert/strict";
import { Registry } from "../../src/base/prom.ts";
import type { PushConfig } from "../../src/push/client.ts";
import { pushTestConfig } from "../_support/push_config.ts";
import { createPusher } from "../../src/push/pusher.ts";
import { encodeWriteRequest } from "../_support/remote_write.ts";
import { PUSHED_FAMILIES } from "../../src/results/pushed_families.ts";
import { recordToSeries } from "../_support/record_series.ts";
import { systemClock } from "../../src/base/clock.ts";
import { jobKey } from "../../src/base/job_key.ts";
import { type ProxiedRequest, startDelayProxy } from "../_support/delay_proxy.ts";
import { createMemoryWal, type MemoryWal } from "../_support/memory_wal.ts";
import { seriesKey } from "../_support/wal_samples.ts";
import { laneOf } from "../../src/wal/lanes.ts";

function config(url: string, more: Partial<PushConfig> = {}): PushConfig {
  return pushTestConfig(url, {
    batch: { max_samples: 2, max_bytes: 4 * 1024 ** 2 },
    max_backoff: 5_000,
    min_backoff: 30,
    timeout: 10_000,
    ...more,
  });
}

/**
 * Record `i` of target `target(i)`: 2 samples at `1_700_000_000_000 + i s`; with `lanes`, in the
 * lane of its job, as the WAL sink writes it.
 */
function append(wal: MemoryWal, n: number, target: (i: number) => string, lanes = 1): void {
  for (let i = 0; i < n; i++) {
    wal.append(
      encodeWriteRequest(recordToSeries({
        key: jobKey("tcp", target(i)),
        timestampMs: 1_700_000_000_000 + i * 1000,
        target: target(i),
        probe: "tcp",
        type: "tcp",
        labels: {},
        success: i % 2 === 0,
        durationSeconds: 0.001,
        attempts: 1,
      })),
      2,
      lanes > 1 ? laneOf(jobKey("tcp", target(i)), lanes) : undefined,
    );
  }
}

/** Data requests answered while another one was being handled (arrived, not yet answered). */
function overlaps(rs: ProxiedRequest[]): number {
  const data = rs.filter((r) => r.series.length);
  let n = 0;
  for (const a of data) {
    for (const b of data) {
      if (a !== b && b.arrivedMs > a.arrivedMs && b.arrivedMs < a.answeredMs) n++;
    }
  }
  return n;
}

async function run(targets: (i: number) => string, records: number, lanes = 1) {
  await using proxy = startDelayProxy({ seed: 3, maxDelayMs: 60 });
  const wal = createMemoryWal();
  const registry = new Registry();
  append(wal, records, targets, lanes);
  const pusher = createPusher({ wal, config: config(proxy.url), clock: systemClock, registry });
  await pusher.start();
  for (let i = 0; i < 5_000 && wal.pushPosition !== wal.stats().end_offset; i++) {
    await new Promise((r) => setTimeout(r, 2));
  }
  await pusher.stop();
  assert.equal(wal.pushPosition, wal.stats().end_offset);
  const waits = (await registry.getSingleMetric("vmprober_push_order_waits_total")!.get())
    .values[0]?.value ?? 0;
  return { requests: [...proxy.requests], waits, commits: wal.commits };
}

/** Fails when a series' samples arrived out of timestamp order; returns the series seen. */
function assertInOrder(requests: ProxiedRequest[]): number {
  const last = new Map<string, number>();
  for (const r of requests) {
    for (const s of r.series) {
      const key = seriesKey(Object.fromEntries(s.labels));
      assert.ok((last.get(key) ?? -Infinity) < s.timestampMs, `${key} out of order`);
      last.set(key, s.timestampMs);
    }
  }
  return last.size;
}

Deno.test("pusher never has two requests sharing a series in flight: per-series order holds", async () => {
  // One target's series (6 a TCP record), every batch one record: each batch shares them all.
  const { requests, waits } = await run(() => "127.0.0.1:1000", 40);
  const last = new Map<string, number>();
  for (const r of requests) {
    for (const s of r.series) {
      const key = seriesKey(Object.fromEntries(s.labels));
      assert.ok((last.get(key) ?? -Infinity) < s.timestampMs, `${key} out of order`);
      last.set(key, s.timestampMs);
    }
  }
  assert.equal(requests.reduce((n, r) => n + r.series.length, 0), 240);
  assert.equal(last.size, 6);
  assert.ok(waits >= 30, `only ${waits} batches waited for the one in flight`);
  assert.equal(overlaps(requests), 0);
});

Deno.test("pusher drains an uncompacted backlog one request per batch, in WAL order", async () => {
  // 120 batches that all share one target's series: past the first skip of checks (8 + 64) and
  // into the doubled one, no batch may go out beside another.
  const { requests, waits } = await run(() => "127.0.0.1:1000", 120);
  const data = requests.filter((r) => r.series.length);
  assert.equal(data.length, 120, "one request per record (max_samples 2)");
  assert.equal(waits, 119, "each batch after the first waited for the one in flight");
  assert.equal(overlaps(requests), 0);
  const times = data.map((r) => r.series[0]!.timestampMs);
  assert.deepEqual(times, times.toSorted((a, b) => a - b), "requests in WAL order");
});

Deno.test("pusher keeps two requests in flight when their series differ", async () => {
  const { requests, waits } = await run((i) => `127.0.0.1:${1000 + i}`, 40);
  assert.equal(requests.reduce((n, r) => n + r.series.length, 0), 240);
  assert.equal(waits, 0);
  assert.ok(overlaps(requests) >= 5, `only ${overlaps(requests)} overlapping requests`);
});

Deno.test("pusher drains lane records with several requests in flight, never two sharing a series", async () => {
  // Two targets, in lanes 0 and 3, in turn: each range holds one record of each, and the window
  // (4) has room for the next range's, which share their series with the one of its lane before.
  const { requests, commits } = await run((i) => `127.0.0.1:${1000 + (i % 2) * 5}`, 160, 4);
  assert.equal(requests.reduce((n, r) => n + r.series.length, 0), 960);
  assert.equal(assertInOrder(requests), 12);
  const data = requests.filter((r) => r.series.length);
  let overlapping = 0;
  for (const a of data) {
    for (const b of data) {
      if (a === b || !(b.arrivedMs > a.arrivedMs && b.arrivedMs < a.answeredMs)) continue;
      overlapping++;
      const keys = new Set(a.series.map((s) => seriesKey(Object.fromEntries(s.labels))));
      for (const s of b.series) {
        assert.ok(!keys.has(seriesKey(Object.fromEntries(s.labels))), "two in flight share one");
      }
    }
  }
  assert.ok(overlapping >= 20, `only ${overlapping} overlapping requests`);
  // One commit per lane range (of two lane batches), never one per lane batch.
  assert.equal(commits.length, data.length / 2);
  assert.deepEqual(commits, commits.toSorted((a, b) => a - b));
});

Deno.test("pusher sends HELP/TYPE metadata at start and every metadata_interval, apart from data", async () => {
  await using proxy = startDelayProxy({ seed: 1, maxDelayMs: 0 });
  const wal = createMemoryWal();
  const registry = new Registry();
  const pusher = createPusher({
    wal,
    config: config(proxy.url, { metadata_interval: 200 }),
    clock: systemClock,
    registry,
    metadata: () => PUSHED_FAMILIES,
  });
  await pusher.start();
  append(wal, 1, () => "127.0.0.1:1");
  for (let i = 0; i < 2_000 && proxy.requests.filter((r) => r.metadata.length).length < 3; i++) {
    await new Promise((r) => setTimeout(r, 2));
  }
  await pusher.stop();
  const meta = proxy.requests.filter((r) => r.metadata.length);
  assert.ok(meta.length >= 3, `${meta.length} metadata requests`);
  assert.ok(meta.every((r) => r.series.length === 0));
  assert.deepEqual(
    meta[0]!.metadata.map((m) => [m.name, m.type, m.help, m.unit]),
    PUSHED_FAMILIES.map((f) => [f.name, 2, f.help, f.unit ?? ""]),
  );
  const gap = meta[1]!.arrivedMs - meta[0]!.arrivedMs;
  assert.ok(gap >= 150, `metadata resent after ${gap} ms, interval 200 ms`);
  const sent = (await registry.getSingleMetric("vmprober_push_metadata_requests_total")!.get())
    .values.find((v) => v.labels.status === "204")?.value;
  // (The last one may be answered after stop() stopped waiting for it.)
  assert.ok(sent! >= meta.length - 1 && sent! <= meta.length, `${sent} of ${meta.length}`);
});

Deno.test("pusher sends a live tick written by lanes as one request, as before lanes", async () => {
  // A tick of 8 TCP jobs (every lane of 4) at a time, each pushed before the next is written.
  await using proxy = startDelayProxy({ seed: 5, maxDelayMs: 5 });
  const wal = createMemoryWal();
  const pusher = createPusher({
    wal,
    config: config(proxy.url, { batch: { max_samples: 10_000, max_bytes: 4 * 1024 ** 2 } }),
    clock: systemClock,
    registry: new Registry(),
  });
  await pusher.start();
  for (let tick = 0; tick < 5; tick++) {
    append(wal, 8, (i) => `127.0.0.${tick + 1}:${1000 + i}`, 4);
    for (let i = 0; i < 2_000 && wal.pushPosition !== wal.stats().end_offset; i++) {
      await new Promise((r) => setTimeout(r, 2));
    }
  }
  await pusher.stop();
  const data = proxy.requests.filter((r) => r.series.length);
  assert.equal(data.length, 5, `${data.length} requests for 5 ticks`);
  assert.ok(data.every((r) => r.series.length === 48));
});
