/**
 * An uncompacted backlog written by lanes (wal/lanes.ts) drains into real Prometheus with several
 * requests in flight and none refused; and a drain killed with lane batches in flight, forwarded
 * but never answered, loses nothing after the restart: each is sent again alone (sent_batches.ts),
 * never joined with newer records. Real agent processes, real Prometheus.
 */
import assert from "node:assert/strict";
import {
  agentMetric,
  type AgentProcess,
  metricValue,
  startAgentProcess,
  waitFor,
  writeConfig,
} from "../_support/agent_process.ts";
import { startPrometheus } from "../_support/prom_servers.ts";
import { seriesKey, walSeries } from "../_support/wal_samples.ts";
import { tempDir } from "../_support/temp_dir.ts";
import { forwardingProxy } from "../_support/forwarding_proxy.ts";
import { openWal } from "../../src/wal/wal.ts";
import { createWalSink } from "../../src/wal/wal_sink.ts";
import { Registry } from "../../src/base/prom.ts";
import { jobKey } from "../../src/base/job_key.ts";
import type { ResultRecord } from "../../src/results/types.ts";

const TARGETS = 40;
const TICKS = 300;

/** A backlog of `TICKS` ticks of `TARGETS` TCP jobs, one tick a second up to a minute ago. */
async function writeBacklog(dir: string): Promise<void> {
  await using wal = await openWal({
    dir,
    segmentSize: 1024 ** 2,
    maxSize: 1024 ** 3,
    fsync: "never",
    fsyncIntervalMs: 1000,
    registry: new Registry(),
  });
  const sink = createWalSink(wal);
  const t0 = Date.now() - 60_000 - TICKS * 1000;
  for (let tick = 0; tick < TICKS; tick++) {
    sink.write(Array.from({ length: TARGETS }, (_, i): ResultRecord => ({
      timestampMs: t0 + tick * 1000,
      target: `10.0.0.${i}:22`,
      probe: "tcp",
      key: jobKey("tcp", `10.0.0.${i}:22`),
      type: "tcp",
      labels: {},
      success: (tick + i) % 3 !== 0,
      durationSeconds: 0.001 * (i + 1) + tick * 1e-6,
      attempts: 1,
    })));
    if (tick % 10 === 9) await wal.flush();
  }
}

function configYaml(pushUrl: string, walDir: string): string {
  return `
agent: {listen: 127.0.0.1:0, log: {level: info, format: json}}
probes: {tcp: {type: tcp}}
targets: []
wal: {dir: ${walDir}, compact: false}
push:
  url: ${pushUrl}
  batch: {max_samples: 1500}
  timeout: 30s
  shutdown_timeout: 10s
`;
}

const metric = agentMetric;

/** Samples per series of the WAL in `dir`. */
async function walCounts(dir: string): Promise<Map<string, number>> {
  const expected = new Map<string, number>();
  for (const s of await walSeries(dir)) {
    const key = seriesKey(Object.fromEntries(s.labels));
    expected.set(key, (expected.get(key) ?? 0) + 1);
  }
  return expected;
}

async function promCounts(prom: Awaited<ReturnType<typeof startPrometheus>>) {
  const got = new Map<string, number>();
  for (const s of await prom.rawSamples('{__name__=~"probe_.+"}')) {
    got.set(seriesKey(s.metric), s.values.length);
  }
  return got;
}

async function drained(agent: AgentProcess): Promise<void> {
  await waitFor(
    "the backlog drained",
    async () => await metric(agent, "vmprober_push_backlog_samples") === 0 || undefined,
    90_000,
  );
}

Deno.test("an uncompacted backlog written by lanes drains into Prometheus several requests at a time, none refused", async () => {
  await using prom = await startPrometheus();
  await using walTmp = await tempDir({ prefix: "push_lanes_wal_" });
  await writeBacklog(walTmp.path);
  const expected = await walCounts(walTmp.path);
  await using proxy = forwardingProxy(prom.writeUrl, { maxDelayMs: 40, holdEveryOther: true });
  await using agent = await startAgentProcess(
    await writeConfig(configYaml(proxy.url, walTmp.path)),
  );
  await drained(agent);
  const m = await agent.metrics();
  assert.equal(metricValue(m, "vmprober_push_dropped_samples_total", { reason: "rejected" }), 0);
  assert.equal(metricValue(m, "vmprober_push_requests_total", { status: "400" }) ?? 0, 0);
  assert.ok(proxy.state.maxInFlight > 1, `at most ${proxy.state.maxInFlight} request in flight`);
  assert.equal(await agent.stop("SIGTERM"), 0);
  assert.equal(expected.size, TARGETS * 6);
  assert.deepEqual(await promCounts(prom), expected);
});

Deno.test("a lane drain killed with batches Prometheus got but never answered loses nothing after the restart", async () => {
  await using prom = await startPrometheus();
  await using walTmp = await tempDir({ prefix: "push_lanes_crash_wal_" });
  const walDir = walTmp.path;
  await writeBacklog(walDir);
  const expected = await walCounts(walDir);
  await using proxy = forwardingProxy(prom.writeUrl, {
    maxDelayMs: 10,
    swallowAfter: 10,
    holdEveryOther: true,
  });

  // 1. A few requests go through; then none is answered: of those in flight, some reached
  // Prometheus, some did not; killed.
  const first = await startAgentProcess(await writeConfig(configYaml(proxy.url, walDir)));
  await waitFor(
    "one held back, one forwarded",
    () => proxy.state.swallowed >= 1 && proxy.state.held >= 1 || undefined,
    30_000,
  );
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await first.stop("SIGKILL"), 137);

  // 2. Restarted, pushing to Prometheus directly.
  await using second = await startAgentProcess(
    await writeConfig(configYaml(prom.writeUrl, walDir)),
  );
  await drained(second);
  const m = await second.metrics();
  assert.equal(metricValue(m, "vmprober_push_dropped_samples_total", { reason: "rejected" }), 0);
  assert.equal(await second.stop("SIGTERM"), 0);
  // Prometheus holds every sample of the WAL once: the batches sent twice added nothing.
  assert.deepEqual(await promCounts(prom), expected);
});

Deno.test("a lane drain killed twice (the second time while resending) loses nothing and has nothing refused", async () => {
  await using prom = await startPrometheus();
  await using walTmp = await tempDir({ prefix: "push_lanes_crash2_wal_" });
  const walDir = walTmp.path;
  await writeBacklog(walDir);
  const expected = await walCounts(walDir);
  for (const swallowAfter of [12, 2]) {
    // Some requests go through, then none is answered; killed. The second run starts with the
    // first one's batches to send again, and is killed among them.
    await using proxy = forwardingProxy(prom.writeUrl, {
      maxDelayMs: 10,
      swallowAfter,
      holdEveryOther: true,
    });
    const agent = await startAgentProcess(await writeConfig(configYaml(proxy.url, walDir)));
    await waitFor(
      "one held back, one forwarded",
      () => proxy.state.swallowed >= 1 && proxy.state.held >= 1 || undefined,
      30_000,
    );
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await agent.stop("SIGKILL"), 137);
  }
  await using last = await startAgentProcess(await writeConfig(configYaml(prom.writeUrl, walDir)));
  await drained(last);
  const m = await last.metrics();
  assert.equal(metricValue(m, "vmprober_push_dropped_samples_total", { reason: "rejected" }), 0);
  assert.equal(await last.stop("SIGTERM"), 0);
  assert.deepEqual(await promCounts(prom), expected);
});
