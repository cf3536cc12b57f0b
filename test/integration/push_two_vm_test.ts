/**
 * The real agent process pushing to two real VictoriaMetrics servers at once (`push:` as a list):
 * one is stopped for 30 s while the other stays up. The up one keeps receiving at the probe
 * cadence; the agent is SIGKILLed during the outage and restarted; after the outage both hold
 * exactly what the agent wrote to its WAL, each with its own `extra_labels`.
 */
import assert from "node:assert/strict";
import { assertSameSamples, vmSamples, walSamples } from "../_support/push_samples.ts";
import {
  type AgentProcess,
  metricValue,
  startAgentProcess,
  waitFor,
  writeConfig,
} from "../_support/agent_process.ts";
import { closedPort, tcpPeer } from "../_support/tcp_servers.ts";
import { type ExportedSeries, startVictoriaMetrics } from "../_support/vm_server.ts";

const SITE = "twovm";
const INTERVAL_MS = 500;
const OUTAGE_MS = 30_000;

async function metric(agent: AgentProcess, name: string, labels: Record<string, string> = {}) {
  return metricValue(await agent.metrics(), name, labels) ?? 0;
}

/** The export with `env` (differs by destination: added as sent) checked and left out; `region` (shared: in the WAL) checked. */
function withoutEnv(series: ExportedSeries[], env: string): ExportedSeries[] {
  return series.map((s) => {
    assert.equal(s.metric.env, env, JSON.stringify(s.metric));
    assert.equal(s.metric.region, "eu", JSON.stringify(s.metric));
    const { env: _, ...metric } = s.metric;
    return { ...s, metric };
  });
}

Deno.test("two push destinations: one down for 30 s (and a SIGKILL) never slows the other, both get every sample", async () => {
  await using vmA = await startVictoriaMetrics();
  await using vmB = await startVictoriaMetrics();
  await using open = tcpPeer();
  const walDir = await Deno.makeTempDir({ prefix: "push_two_vm_wal_" });
  const path = await writeConfig(`
agent:
  listen: 127.0.0.1:0
  labels: {site: ${SITE}}
  log: {level: info, format: json}
defaults: {interval: ${INTERVAL_MS}ms, timeout: 300ms}
probes:
  tcp: {type: tcp}
targets:
  - static: {targets: ["127.0.0.1:${open.port}", "127.0.0.1:${closedPort()}"]}
    probes: [tcp]
wal: {dir: ${walDir}, fsync: batch, fsync_interval: 100ms, segment_size: 64MiB}
push:
  - name: a
    url: ${vmA.writeUrl}
    min_backoff: 50ms
    max_backoff: 300ms
    extra_labels: {env: a, region: eu}
  - url: ${vmB.writeUrl}
    min_backoff: 50ms
    max_backoff: 300ms
    extra_labels: {env: b, region: eu}
`);
  const nameB = `127.0.0.1:${vmB.port}/api/v1/write`;
  const a = { destination: "a" };
  const b = { destination: nameB };
  const successA = async () =>
    (await vmA.exportSeries(`{__name__="probe_success",site="${SITE}"}`))
      .reduce((n, s) => n + s.values.length, 0);
  let outageStart: number;
  let outageEnd: number;
  {
    await using agent = await startAgentProcess(path);
    await waitFor(
      "pushes to both",
      async () =>
        await metric(agent, "vmprober_push_samples_total", a) >= 12 &&
          await metric(agent, "vmprober_push_samples_total", b) >= 12
          ? true
          : undefined,
    );
    await vmB.stop();
    outageStart = Date.now();
    // While B is down, A keeps up: each 5 s it has ~10 more results per target, and its
    // backlog stays within ten probe rounds (2 targets × 6 samples per round) while B's grows.
    let seen = await successA();
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 5_000));
      const now = await successA();
      assert.ok(now - seen >= 2 * 7, `A got ${now - seen} probe_success samples in 5 s`);
      seen = now;
      assert.ok(await metric(agent, "vmprober_push_backlog_samples", a) <= 10 * 12);
      assert.equal(await metric(agent, "vmprober_push_consecutive_failures", a), 0);
    }
    assert.ok(await metric(agent, "vmprober_push_consecutive_failures", b) >= 3);
    assert.ok(await metric(agent, "vmprober_push_backlog_samples", b) >= 12 * 15 * 0.8 * 2);
    const status = JSON.parse((await agent.get("/api/v1/status")).text);
    assert.deepEqual(
      status.push_destinations.map((d: { name: string; url: string }) => [d.name, d.url]),
      [["a", vmA.writeUrl], [nameB, vmB.writeUrl]],
    );
    assert.equal(status.push_destinations[0].consecutive_failures, 0);
    assert.ok(status.push_destinations[1].consecutive_failures >= 3);
    assert.equal(status.push.name, "a");
    assert.equal(await agent.stop("SIGKILL"), 137);
  }
  {
    await using agent = await startAgentProcess(path);
    await waitFor(
      "A pushing again after the restart",
      async () => await metric(agent, "vmprober_push_samples_total", a) >= 12 ? true : undefined,
    );
    const left = OUTAGE_MS - (Date.now() - outageStart);
    if (left > 0) await new Promise((r) => setTimeout(r, left));
    await vmB.start();
    outageEnd = Date.now();
    await waitFor(
      "both backlogs drained",
      async () =>
        await metric(agent, "vmprober_push_backlog_samples", a) === 0 &&
          await metric(agent, "vmprober_push_backlog_samples", b) === 0 &&
          await metric(agent, "vmprober_push_consecutive_failures", b) === 0
          ? true
          : undefined,
      30_000,
    );
    assert.equal(await agent.stop("SIGTERM"), 0);
  }
  const wal = await walSamples(walDir);
  for (const [vm, env] of [[vmA, "a"], [vmB, "b"]] as const) {
    const exported = await vm.waitForSamples(`{site="${SITE}"}`, wal.size);
    assertSameSamples(vmSamples(withoutEnv(exported, env)), wal);
    for (const s of exported.filter((s) => s.metric.__name__ === "probe_success")) {
      const during = s.timestamps.filter((t) => t > outageStart && t < outageEnd).length;
      assert.ok(during >= (OUTAGE_MS / INTERVAL_MS) * 0.6, `${env}: ${during} in the outage`);
    }
  }
  await Deno.remove(walDir, { recursive: true });
  await Deno.remove(path.replace(/\/[^/]+$/, ""), { recursive: true });
});
