/**
 * The real agent process pushing to a real Prometheus (`--web.enable-remote-write-receiver`)
 * through a loopback proxy that delays every request by a seeded random 0–1.5 s, while a backlog
 * built during an outage drains: Prometheus must hold exactly the samples the agent wrote to its
 * WAL (no 400 `out of order sample`, nothing dropped), and the stale markers of removed targets.
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
import { startDelayProxy } from "../_support/delay_proxy.ts";
import { startPrometheus } from "../_support/prom_servers.ts";
import { closedPort, freePort, tcpPeer } from "../_support/tcp_servers.ts";
import { isStaleMarker, seriesKey, walSeries } from "../_support/wal_samples.ts";
import { tempDir } from "../_support/temp_dir.ts";
import { tcpPushYaml } from "../_support/tcp_push_yaml.ts";

function configYaml(pushUrl: string, walDir: string, targets: string[]): string {
  return tcpPushYaml(pushUrl, walDir, targets, {
    fsyncInterval: "100ms",
    maxSamples: 400,
    timeout: "10s",
  });
}

const metric = agentMetric;

/** Waits until at most `left` samples wait in the WAL (new results keep coming while probing). */
async function drained(agent: AgentProcess, left: number): Promise<void> {
  await waitFor(
    `a backlog of at most ${left} samples`,
    async () =>
      await metric(agent, "vmprober_push_backlog_samples") <= left &&
        await metric(agent, "vmprober_push_consecutive_failures") === 0
        ? true
        : undefined,
    90_000,
  );
}

async function reload(agent: AgentProcess, path: string, yaml: string): Promise<void> {
  await Deno.writeTextFile(path, yaml);
  const r = await fetch(`${agent.url}/-/reload`, { method: "POST" });
  assert.equal(r.status, 200, await r.text());
}

Deno.test("a backlog drains into Prometheus through uneven latency: every sample, in order, stale markers", async () => {
  await using prom = await startPrometheus();
  await using open = tcpPeer();
  // One open port and closed ones beside it: successes and failures are both data.
  const unique = [`127.0.0.1:${open.port}`];
  for (let i = 0; i < 7; i++) unique.push(`127.0.0.1:${closedPort()}`);
  await using walTmp = await tempDir({ prefix: "push_prom_wal_" });
  const walDir = walTmp.path;
  const proxyPort = freePort();
  const url = `http://127.0.0.1:${proxyPort}/api/v1/write`;
  const path = await writeConfig(configYaml(url, walDir, unique));
  await using agent = await startAgentProcess(path);

  // 1. The receiver is down (nothing listens): a backlog builds in the WAL.
  await waitFor(
    "a backlog of 1,500 samples",
    async () => await metric(agent, "vmprober_push_backlog_samples") >= 1500 || undefined,
    30_000,
  );
  // 2. It comes back behind the delaying proxy; the backlog drains while new results arrive.
  await using proxy = startDelayProxy({ upstream: prom.writeUrl, seed: 12, port: proxyPort });
  await drained(agent, 300);
  // 3. Half the targets leave (reload): their series get stale markers. Then all leave, so that
  //    nothing new is written, the WAL drains to the end and the agent stops.
  const kept = unique.slice(0, 4);
  await reload(agent, path, configYaml(url, walDir, kept));
  await new Promise((r) => setTimeout(r, 1_000));
  const between = Date.now() / 1000;
  await new Promise((r) => setTimeout(r, 200));
  await reload(agent, path, configYaml(url, walDir, []));
  await drained(agent, 0);
  const m = await agent.metrics();
  for (const reason of ["rejected", "wal_full", "disk_full"]) {
    assert.equal(metricValue(m, "vmprober_push_dropped_samples_total", { reason }) ?? 0, 0, reason);
  }
  assert.equal(await agent.stop("SIGTERM"), 0);

  // No request got anything but 2xx from Prometheus.
  const bad = proxy.requests.filter((r) => r.status < 200 || r.status > 299);
  assert.deepEqual(bad.map((r) => `${r.status} ${r.responseBody}`), []);
  // The backlog alone (>= 1,500 samples, max_samples 400) took several requests.
  const data = proxy.requests.filter((r) => r.series.length > 0).length;
  assert.ok(data >= 4, `only ${data} data requests`);

  // Prometheus holds exactly the WAL's samples (stale markers are not returned as samples).
  const wal = await walSeries(walDir);
  const expected = new Map<string, number>();
  const stale = new Set<string>();
  for (const s of wal) {
    const key = seriesKey(Object.fromEntries(s.labels));
    if (isStaleMarker(s)) stale.add(key);
    else expected.set(key, (expected.get(key) ?? 0) + 1);
  }
  const got = new Map<string, number>();
  for (const s of await prom.rawSamples('{__name__=~"probe_.+"}')) {
    got.set(seriesKey(s.metric), s.values.length);
  }
  assert.ok(expected.size >= 16, `only ${expected.size} series`);
  assert.deepEqual(got, expected);

  // Every series ended with a stale marker (all targets left in the end). Between the reloads,
  // the first ones removed were already stale and the kept ones were not; now all are stale.
  assert.deepEqual([...stale].sort(), [...expected.keys()].sort());
  const liveAt = async (time?: number) =>
    (await prom.query("count by (target) (probe_success)", time)).map((r) => r.metric.target)
      .sort();
  assert.deepEqual(await liveAt(between), [...kept].sort());
  assert.deepEqual(await liveAt(), []);
});
