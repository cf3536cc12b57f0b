/**
 * The real agent process (CLI, binary's flags) probing loopback TCP peers and pushing to a real
 * VictoriaMetrics: what VictoriaMetrics holds is exactly what the agent wrote to its WAL, with the
 * probe timestamps and the agent labels, also across an outage and a SIGKILL during it.
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
import { startVictoriaMetrics } from "../_support/vm_server.ts";
import { inspectJson } from "../_support/wal_cli.ts";

const SITE = "pushtest";

async function config(
  vmUrl: string,
  walDir: string,
  ports: number[],
  auth = "",
): Promise<string> {
  return await writeConfig(`
agent:
  listen: 127.0.0.1:0
  labels: {site: ${SITE}}
  log: {level: info, format: json}
defaults: {interval: 200ms, timeout: 150ms}
probes:
  tcp: {type: tcp}
targets:
  - static: {targets: [${ports.map((p) => `"127.0.0.1:${p}"`).join(", ")}]}
    probes: [tcp]
wal: {dir: ${walDir}, fsync: batch, fsync_interval: 100ms}
push:
  url: ${vmUrl}
  min_backoff: 50ms
  max_backoff: 300ms
  timeout: 2s
  shutdown_timeout: 5s
  extra_labels: {env: ci}
${auth}`);
}

async function metric(agent: AgentProcess, name: string, labels: Record<string, string> = {}) {
  return metricValue(await agent.metrics(), name, labels) ?? 0;
}

/** Waits until the agent's backlog is empty and pushing healthy, then stops it (exit 0). */
async function drainAndStop(agent: AgentProcess): Promise<void> {
  await waitFor(
    "the backlog drained",
    async () =>
      await metric(agent, "vmprober_push_backlog_samples") === 0 &&
        await metric(agent, "vmprober_push_consecutive_failures") === 0
        ? true
        : undefined,
    20_000,
  );
  assert.equal(await agent.stop("SIGTERM"), 0);
}

Deno.test("agent pushes its probe results to VictoriaMetrics exactly as written to the WAL", async () => {
  await using vm = await startVictoriaMetrics();
  await using open = tcpPeer();
  const walDir = await Deno.makeTempDir({ prefix: "push_agent_wal_" });
  const passwordFile = `${walDir}.password`;
  await Deno.writeTextFile(passwordFile, "s3cret-vm-pass\n");
  const path = await config(
    vm.writeUrl,
    walDir,
    [open.port, closedPort()],
    `  basic_auth: {username: agent, password_file: ${passwordFile}}\n`,
  );
  {
    await using agent = await startAgentProcess(path);
    await waitFor(
      "20 pushed samples",
      async () => await metric(agent, "vmprober_push_samples_total") >= 20 ? true : undefined,
    );
    const status = JSON.parse((await agent.get("/api/v1/status")).text);
    assert.equal(status.push.url, vm.writeUrl);
    assert.equal(status.push.consecutive_failures, 0);
    const exposed = JSON.stringify(status) + await agent.metrics();
    assert.equal(await agent.stop("SIGTERM"), 0);
    assert.match(agent.log(), /Push stopped, 0 samples left in the WAL/);
    assert.equal((exposed + agent.log()).includes("s3cret-vm-pass"), false);
  }
  const wal = await walSamples(walDir);
  const inspect = await inspectJson(walDir);
  assert.equal(inspect.samples, wal.size);
  assert.equal(inspect.pending_samples, 0);
  const exported = await vm.waitForSamples(`{site="${SITE}"}`, wal.size);
  assertSameSamples(vmSamples(exported), wal);
  await Deno.remove(passwordFile);
  const names = new Set(exported.map((s) => s.metric.__name__));
  assert.ok(names.has("probe_success") && names.has("probe_duration_seconds"), [...names].join());
  for (const s of exported) {
    assert.equal(s.metric.site, SITE);
    assert.equal(s.metric.env, "ci");
    assert.equal(s.metric.probe, "tcp");
  }
  await Deno.remove(walDir, { recursive: true });
  await Deno.remove(path.replace(/\/[^/]+$/, ""), { recursive: true });
});

Deno.test("agent loses nothing through a VictoriaMetrics outage and a SIGKILL during it", async () => {
  await using vm = await startVictoriaMetrics();
  await using open = tcpPeer();
  await using open2 = tcpPeer();
  const walDir = await Deno.makeTempDir({ prefix: "push_agent_wal_" });
  const path = await config(vm.writeUrl, walDir, [open.port, closedPort(), open2.port]);
  let receivedBefore: number;
  let outageStart: number;
  {
    await using agent = await startAgentProcess(path);
    await waitFor(
      "first pushes",
      async () => await metric(agent, "vmprober_push_samples_total") >= 8 ? true : undefined,
    );
    receivedBefore = await vm.rowsReceived();
    await vm.stop();
    outageStart = Date.now();
    await waitFor(
      "failing pushes and a backlog",
      async () =>
        await metric(agent, "vmprober_push_requests_total", { status: "network" }) >= 3 &&
          // ≥ 10 results: a TCP result is 6 samples (blackbox's TCP families)
          await metric(agent, "vmprober_push_backlog_samples") >= 60 &&
          (await agent.get("/readyz")).status === 200
          ? true
          : undefined,
    );
    assert.equal(await agent.stop("SIGKILL"), 137);
  }
  let outageEnd: number;
  {
    await using agent = await startAgentProcess(path);
    await waitFor(
      "more failing pushes after the restart",
      async () => await metric(agent, "vmprober_push_consecutive_failures") >= 3 ? true : undefined,
    );
    await vm.start();
    outageEnd = Date.now();
    await drainAndStop(agent);
  }
  const wal = await walSamples(walDir);
  const exported = await vm.waitForSamples(`{site="${SITE}"}`, wal.size);
  const got = vmSamples(exported);
  assertSameSamples(got, wal);
  const inOutage = [...got.keys()].filter((k) => {
    const t = Number(k.slice(k.lastIndexOf("@") + 1));
    return k.startsWith("probe_success{") && t > outageStart && t < outageEnd;
  });
  assert.ok(inOutage.length >= 10, `only ${inOutage.length} results from the outage window`);
  // At least once: every sample reached VictoriaMetrics; its counter restarted with it.
  assert.ok(receivedBefore + await vm.rowsReceived() >= wal.size);
  await Deno.remove(walDir, { recursive: true });
  await Deno.remove(path.replace(/\/[^/]+$/, ""), { recursive: true });
});

Deno.test("agent keeps probing through a 30 s VictoriaMetrics outage and delivers every result after it, without gaps or duplicates", async () => {
  const INTERVAL_MS = 500;
  const OUTAGE_MS = 30_000;
  await using vm = await startVictoriaMetrics();
  await using open = tcpPeer();
  const walDir = await Deno.makeTempDir({ prefix: "push_agent_wal_" });
  const path = await config(vm.writeUrl, walDir, [open.port, closedPort()]);
  await Deno.writeTextFile(
    path,
    (await Deno.readTextFile(path)).replace(
      "interval: 200ms, timeout: 150ms",
      `interval: ${INTERVAL_MS}ms, timeout: 300ms`,
    ),
  );
  let outageStart: number;
  let outageEnd: number;
  {
    await using agent = await startAgentProcess(path);
    await waitFor(
      "first pushes",
      async () => await metric(agent, "vmprober_push_samples_total") >= 6 ? true : undefined,
    );
    await vm.stop();
    outageStart = Date.now();
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    assert.ok(await metric(agent, "vmprober_push_consecutive_failures") >= 3);
    assert.ok(
      await metric(agent, "vmprober_push_backlog_samples") >=
        (OUTAGE_MS / INTERVAL_MS) * 2 * 2 * 0.8,
    );
    assert.equal((await agent.get("/readyz")).status, 200);
    await vm.start();
    outageEnd = Date.now();
    await drainAndStop(agent);
  }
  const wal = await walSamples(walDir);
  const exported = await vm.waitForSamples(`{site="${SITE}"}`, wal.size);
  assertSameSamples(vmSamples(exported), wal);
  for (const s of exported.filter((s) => s.metric.__name__ === "probe_success")) {
    // No duplicates: every timestamp once, in order. No gaps: one result per interval, also
    // through the outage (a tick is at most a timer's slack late).
    for (let i = 1; i < s.timestamps.length; i++) {
      const step = s.timestamps[i]! - s.timestamps[i - 1]!;
      assert.ok(step > 0, `duplicate timestamp in ${s.metric.target}`);
      assert.ok(step < 2 * INTERVAL_MS, `gap of ${step} ms in ${s.metric.target}`);
    }
    const during = s.timestamps.filter((t) => t > outageStart && t < outageEnd).length;
    assert.ok(
      during >= (OUTAGE_MS / INTERVAL_MS) * 0.9,
      `${during} results of ${s.metric.target} in the outage`,
    );
  }
  await Deno.remove(walDir, { recursive: true });
  await Deno.remove(path.replace(/\/[^/]+$/, ""), { recursive: true });
});
