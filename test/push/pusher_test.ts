import assert from "node:assert/strict";
import { Registry } from "../../src/base/prom.ts";
import { snappyUncompress } from "../../src/wal/snappy.ts";
import type { PushConfig } from "../../src/push/client.ts";
import { pushTestConfig } from "../_support/push_config.ts";
import { createPusher, type PusherOptions } from "../../src/push/pusher.ts";
import { encodeWriteRequest } from "../_support/remote_write.ts";
import { recordToSeries } from "../_support/record_series.ts";
import { createMemoryWal, type MemoryWal } from "../_support/memory_wal.ts";
import { scaledClock } from "../_support/push_clock.ts";
import { type PushServerStep, startPushServer } from "../_support/push_server.ts";
import { jobKey } from "../../src/base/job_key.ts";

const TIMEOUT = 2_000_000; // 2 s of real time at factor 1000: only the "hang" step waits for it

function config(url: string, more: Partial<PushConfig> = {}): PushConfig {
  return pushTestConfig(url, {
    max_backoff: 30_000,
    min_backoff: 1000,
    timeout: TIMEOUT,
    shutdown_timeout: 5_000_000,
    ...more,
  });
}

/** Appends `n` records of 2 samples each (probe_success, probe_duration_seconds). */
function appendRecords(wal: MemoryWal, n: number, from = 0): Uint8Array[] {
  const bodies: Uint8Array[] = [];
  for (let i = from; i < from + n; i++) {
    const body = encodeWriteRequest(recordToSeries({
      timestampMs: 1_700_000_000_000 + i * 1000,
      target: `127.0.0.1:${1000 + i}`,
      probe: "tcp",
      key: jobKey("tcp", `127.0.0.1:${1000 + i}`),
      type: "tcp",
      labels: { site: "test" },
      success: true,
      durationSeconds: 0.001,
      attempts: 1,
    }));
    wal.append(body, 2);
    bodies.push(body);
  }
  return bodies;
}

async function value(registry: Registry, name: string, labels: Record<string, string> = {}) {
  const m = registry.getSingleMetric(name);
  assert.ok(m, name);
  const v = (await m.get()).values.find((x) =>
    Object.entries(labels).every(([k, l]) => x.labels[k] === l)
  );
  return v?.value ?? 0;
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !cond(); i++) await new Promise((r) => setTimeout(r, 2));
  assert.ok(cond(), "condition never became true");
}

async function scenario(
  steps: PushServerStep[],
  records: number,
  more: Partial<PushConfig> = {},
  pusherMore: Partial<PusherOptions> = {},
) {
  const server = startPushServer(steps);
  const wal = createMemoryWal();
  const registry = new Registry();
  const clock = scaledClock(1000);
  const health: boolean[] = [];
  const options: PusherOptions = {
    wal,
    config: config(server.url, more),
    clock,
    registry,
    random: () => 0,
    version: "1.2.3",
    onHealthChange: (healthy) => health.push(healthy),
    ...pusherMore,
  };
  const pusher = createPusher(options);
  const bodies = appendRecords(wal, records);
  await pusher.start();
  return {
    server,
    wal,
    registry,
    pusher,
    bodies,
    health,
    backoffs: () => clock.sleeps.filter((ms) => ms !== TIMEOUT),
    async [Symbol.asyncDispose]() {
      await pusher.stop();
      await server[Symbol.asyncDispose]();
    },
  };
}

Deno.test("pusher retries 500 with growing backoff, then commits on 204", async () => {
  await using s = await scenario([{ status: 500, body: "down" }, { status: 503 }], 3);
  await until(() => s.wal.pushPosition === s.wal.stats().end_offset);
  assert.equal(s.server.requests.length, 3);
  assert.equal(await value(s.registry, "vmprober_push_requests_total", { status: "500" }), 1);
  assert.equal(await value(s.registry, "vmprober_push_requests_total", { status: "503" }), 1);
  assert.equal(await value(s.registry, "vmprober_push_requests_total", { status: "204" }), 1);
  assert.equal(await value(s.registry, "vmprober_push_retries_total"), 2);
  assert.equal(await value(s.registry, "vmprober_push_samples_total"), 6);
  assert.equal(await value(s.registry, "vmprober_push_consecutive_failures"), 0);
  assert.equal(await value(s.registry, "vmprober_push_dropped_samples_total"), 0);
  assert.deepEqual(s.backoffs(), [500, 1000]); // equal jitter with random 0: half of 1 s, 2 s
  assert.deepEqual(s.wal.commits, [s.wal.stats().end_offset]);
  assert.equal(s.pusher.pushStatus().consecutive_failures, 0);
  assert.equal(s.pusher.pushStatus().backlog_samples, 0);
  // Told once when pushing turned unhealthy and once when it recovered (WAL compaction follows).
  assert.deepEqual(s.health, [false, true]);
});

Deno.test("pusher honours Retry-After on 429", async () => {
  await using s = await scenario([{ status: 429, headers: { "Retry-After": "7" } }], 1);
  await until(() => s.wal.pushPosition === s.wal.stats().end_offset);
  assert.equal(await value(s.registry, "vmprober_push_requests_total", { status: "429" }), 1);
  assert.equal(await value(s.registry, "vmprober_push_retries_total"), 1);
  assert.deepEqual(s.backoffs(), [7000]);
});

Deno.test("pusher drops a batch rejected with 400, counts it and moves on", async () => {
  await using s = await scenario([{ status: 400, body: "cannot parse labels" }], 2, {
    batch: { max_samples: 2, max_bytes: 1 << 20 },
  });
  await until(() => s.wal.pushPosition === s.wal.stats().end_offset);
  assert.equal(s.server.requests.length, 2);
  assert.equal(await value(s.registry, "vmprober_push_requests_total", { status: "400" }), 1);
  assert.equal(await value(s.registry, "vmprober_push_requests_total", { status: "204" }), 1);
  assert.equal(
    await value(s.registry, "vmprober_push_dropped_samples_total", { reason: "rejected" }),
    2,
  );
  assert.equal(await value(s.registry, "vmprober_push_samples_total"), 2);
  assert.equal(await value(s.registry, "vmprober_push_retries_total"), 0);
  assert.deepEqual(s.wal.commits, s.wal.entries.map((e) => e.nextOffset));
  assert.equal(s.pusher.pushStatus().last_error, "HTTP 400: cannot parse labels");
});

Deno.test("pusher times out a hung request and retries it", async () => {
  await using s = await scenario(["hang"], 1);
  await until(() => s.wal.pushPosition === s.wal.stats().end_offset);
  assert.equal(await value(s.registry, "vmprober_push_requests_total", { status: "timeout" }), 1);
  assert.equal(await value(s.registry, "vmprober_push_requests_total", { status: "204" }), 1);
  assert.equal(await value(s.registry, "vmprober_push_retries_total"), 1);
  assert.equal(s.server.requests.length, 2);
});

Deno.test("pusher retries after the connection is reset", async () => {
  await using s = await scenario(["reset", "reset"], 1);
  await until(() => s.wal.pushPosition === s.wal.stats().end_offset);
  assert.equal(await value(s.registry, "vmprober_push_requests_total", { status: "network" }), 2);
  assert.equal(await value(s.registry, "vmprober_push_requests_total", { status: "204" }), 1);
  assert.equal(await value(s.registry, "vmprober_push_retries_total"), 2);
  assert.equal(await value(s.registry, "vmprober_push_samples_total"), 2);
});

Deno.test("pusher sends the remote-write headers and the joined records", async () => {
  await using s = await scenario([], 5);
  await until(() => s.wal.pushPosition === s.wal.stats().end_offset);
  assert.equal(s.server.requests.length, 1);
  const r = s.server.requests[0]!;
  assert.equal(r.method, "POST");
  assert.equal(r.path, "/api/v1/write");
  assert.equal(r.headers["content-encoding"], "snappy");
  assert.equal(r.headers["content-type"], "application/x-protobuf");
  assert.equal(r.headers["x-prometheus-remote-write-version"], "0.1.0");
  assert.equal(r.headers["user-agent"], "vmprober/1.2.3");
  assert.equal(r.headers["authorization"], undefined);
  const joined = new Uint8Array(s.bodies.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of s.bodies) {
    joined.set(b, at);
    at += b.length;
  }
  assert.deepEqual(snappyUncompress(r.body), joined);
});

Deno.test("pusher counts the destination labels a series already has, left out", async () => {
  const sendLabels = { site: "ours", dc: "fra" };
  await using s = await scenario([], 3, {}, { sendLabels, destination: "b" });
  await until(() => s.wal.pushPosition === s.wal.stats().end_offset);
  assert.equal(s.server.requests.length, 1);
  const count = (text: string, word: string) => text.split(word).length - 1;
  const series = s.bodies.reduce((n, b) => n + count(new TextDecoder().decode(b), "test"), 0);
  assert.equal(series, 18, "3 records of 6 series, each with site=test");
  const text = new TextDecoder().decode(snappyUncompress(s.server.requests[0]!.body));
  assert.equal(count(text, "fra"), series, "dc added to each series");
  assert.equal(count(text, "ours"), 0, "the series' own site=test wins");
  const labels = { destination: "b", reason: "duplicate" };
  assert.equal(await value(s.registry, "vmprober_push_send_labels_dropped_total", labels), series);
});

Deno.test("pusher splits batches at max_samples and keeps their order", async () => {
  await using s = await scenario([], 7, { batch: { max_samples: 4, max_bytes: 1 << 20 } });
  await until(() => s.wal.pushPosition === s.wal.stats().end_offset);
  assert.equal(s.server.requests.length, 4); // 2+2+2+1 records of 2 samples
  const e = s.wal.entries;
  assert.deepEqual(s.wal.commits, [e[1]!, e[3]!, e[5]!, e[6]!].map((x) => x.nextOffset));
  assert.equal(await value(s.registry, "vmprober_push_samples_total"), 14);
});

Deno.test("pusher pushes records appended while it runs", async () => {
  await using s = await scenario([], 1);
  await until(() => s.wal.pushPosition === s.wal.stats().end_offset);
  appendRecords(s.wal, 2, 1);
  await until(() => s.wal.pushPosition === s.wal.stats().end_offset);
  assert.equal(await value(s.registry, "vmprober_push_samples_total"), 6);
});

Deno.test("pusher.stop() makes one last attempt and keeps the position on failure", async () => {
  const steps: PushServerStep[] = Array(20).fill({ status: 500 });
  await using s = await scenario(steps, 2);
  await until(() => s.server.requests.length >= 1);
  const before = s.server.requests.length;
  await s.pusher.stop();
  assert.equal(s.server.requests.length, before + 1);
  assert.equal(s.wal.pushPosition, 0);
  assert.equal(s.pusher.pushStatus().running, false);
  assert.equal(s.pusher.pushStatus().backlog_samples, 4);
  assert.equal(s.pusher.pushStatus().consecutive_failures, before + 1);
});

Deno.test("pusher.stop() drains the backlog when the server answers", async () => {
  const server = startPushServer([]);
  const wal = createMemoryWal();
  const pusher = createPusher({
    wal,
    config: config(server.url, { batch: { max_samples: 2, max_bytes: 1 << 20 } }),
    clock: scaledClock(1000),
    registry: new Registry(),
  });
  await pusher.start();
  appendRecords(wal, 5);
  await pusher.stop();
  await server[Symbol.asyncDispose]();
  assert.equal(wal.pushPosition, wal.stats().end_offset);
  assert.equal(server.requests.length, 5);
});

Deno.test("pusher keeps commits in WAL order with two requests in flight", async () => {
  await using s = await scenario([{ status: 500 }], 6, {
    batch: { max_samples: 2, max_bytes: 1 << 20 },
  });
  await until(() => s.wal.pushPosition === s.wal.stats().end_offset);
  assert.deepEqual(s.wal.commits, s.wal.entries.map((e) => e.nextOffset));
  assert.equal(s.server.requests.length, 7);
  assert.equal(await value(s.registry, "vmprober_push_samples_total"), 12);
  assert.equal(await value(s.registry, "vmprober_push_retries_total"), 1);
});

Deno.test("pusher status and errors never show the password", async () => {
  const server = startPushServer([{ status: 401, body: "unauthorized" }]);
  const wal = createMemoryWal();
  const pusher = createPusher({
    wal,
    config: config(server.url.replace("http://", "http://u:urlpass@"), {
      basic_auth: { username: "agent", password_file: "/pw" },
    }),
    clock: scaledClock(1000),
    registry: new Registry(),
    readTextFile: () => Promise.resolve("filepass\n"),
  });
  await pusher.start();
  appendRecords(wal, 1);
  await until(() => wal.pushPosition === wal.stats().end_offset);
  const shown = JSON.stringify(pusher.pushStatus());
  await pusher.stop();
  await server[Symbol.asyncDispose]();
  assert.equal(shown.includes("filepass") || shown.includes("urlpass"), false, shown);
  assert.equal(pusher.pushStatus().url, server.url);
  assert.equal(server.requests[0]!.headers.authorization, "Basic " + btoa("agent:filepass"));
});
