/** The real agent process probing loopback TCP peers, read back through /metrics and the API. */
import assert from "node:assert/strict";
import { metricValue, startAgentProcess, waitFor, writeConfig } from "../_support/agent_process.ts";
import { bannerPeer, closedPort, silentPeer, tcpPeer } from "../_support/tcp_servers.ts";
import { promtoolCheck } from "../_support/exposition_check.ts";
import { tempDir } from "../_support/temp_dir.ts";

Deno.test("agent run: open, closed, banner, silent and IPv6 peers give the right outcome", async () => {
  await using open = tcpPeer();
  await using banner = bannerPeer("SSH-2.0-OpenSSH_9.2\r\n");
  await using silent = silentPeer();
  await using open6 = tcpPeer((c) => c.close(), "::1");
  const closed = closedPort();
  await using wal1 = await tempDir();
  const config = await writeConfig(`
agent:
  listen: 127.0.0.1:0
  labels: {site: test}
  log: {level: info, format: json}
defaults: {interval: 300ms, timeout: 400ms}
probes:
  tcp: {type: tcp}
  ssh: {type: tcp, expect: "^SSH-2\\\\.0-"}
  wrong: {type: tcp, expect: "^HTTP/"}
targets:
  - static: {targets: ["127.0.0.1:${open.port}", "127.0.0.1:${closed}", "[::1]:${open6.port}", "localhost:${open.port}"]}
    probes: [tcp]
  - static: {targets: ["127.0.0.1:${banner.port}", "127.0.0.1:${silent.port}"], labels: {role: ssh}}
    probes: [ssh]
  - static: {targets: ["127.0.0.1:${banner.port}"]}
    probes: [wrong]
wal: {dir: ${wal1.path}}
`);
  await using agent = await startAgentProcess(config);
  const text = await waitFor("three results per job", async () => {
    const m = await agent.metrics();
    const counts = m.split("\n").filter((l) =>
      l.startsWith("vmprober_probe_duration_seconds_count")
    );
    return counts.length === 7 && counts.every((l) => Number(l.split(" ")[1]) >= 2) ? m : undefined;
  });
  const v = (probe: string, target: string, name = "probe_success") =>
    metricValue(text, name, { probe, target });
  assert.equal(v("tcp", `127.0.0.1:${open.port}`), 1);
  assert.equal(v("tcp", `localhost:${open.port}`), 1);
  assert.equal(v("tcp", `[::1]:${open6.port}`), 1);
  assert.equal(v("tcp", `[::1]:${open6.port}`, "probe_ip_protocol"), 6);
  assert.equal(v("tcp", `127.0.0.1:${closed}`), 0);
  assert.equal(v("ssh", `127.0.0.1:${banner.port}`), 1);
  assert.equal(v("ssh", `127.0.0.1:${silent.port}`), 0);
  assert.equal(v("wrong", `127.0.0.1:${banner.port}`), 0);

  const openDuration = v("tcp", `127.0.0.1:${open.port}`, "probe_duration_seconds")!;
  assert.ok(openDuration > 0 && openDuration < 0.4, `open connect took ${openDuration}s`);
  const silentDuration = v("ssh", `127.0.0.1:${silent.port}`, "probe_duration_seconds")!;
  assert.ok(
    silentDuration >= 0.39 && silentDuration < 0.6,
    `silent peer gave up after ${silentDuration}s`,
  );

  assert.ok(
    metricValue(text, "vmprober_probes_total", {
      target: `127.0.0.1:${closed}`,
      result: "refused",
    })! >= 2,
  );
  assert.ok(
    metricValue(text, "vmprober_probes_total", {
      target: `127.0.0.1:${silent.port}`,
      result: "timeout",
    })! >= 2,
  );
  assert.ok(
    metricValue(text, "vmprober_probes_total", { probe: "wrong", result: "mismatch" })! >= 2,
  );
  assert.equal(
    metricValue(text, "probe_success", {
      target: `127.0.0.1:${banner.port}`,
      probe: "ssh",
      role: "ssh",
      site: "test",
    }),
    1,
  );

  const targets = JSON.parse((await agent.get("/api/v1/targets")).text) as {
    address: string;
    probes: { probe: string; last_result: { reason: string | null } | null }[];
  }[];
  const silentTarget = targets.find((t) => t.address === `127.0.0.1:${silent.port}`)!;
  assert.equal(silentTarget.probes[0]!.last_result!.reason, "timeout");

  assert.equal((await agent.get("/readyz")).status, 200);
  assert.equal((await agent.get("/healthz")).status, 200);
  assert.equal((await agent.get("/nope")).status, 404);
  assert.equal(
    await fetch(agent.url + "/metrics", { method: "POST" }).then(async (
      r,
    ) => (await r.body?.cancel(), r.status)),
    405,
  );
  assert.equal(await agent.stop("SIGTERM"), 0);
  assert.match(agent.log(), /"msg":"Stopped"/);
});

Deno.test("agent run: /metrics passes promtool check metrics", async () => {
  await using open = tcpPeer();
  await using wal2 = await tempDir();
  const config = await writeConfig(`
agent: {listen: "127.0.0.1:0", labels: {site: "a\\"b"}, log: {format: json}}
defaults: {interval: 200ms, timeout: 300ms}
probes: {tcp: {type: tcp}}
targets:
  - static: {targets: ["127.0.0.1:${open.port}", "127.0.0.1:${closedPort()}"], labels: {role: "x\\\\y"}}
    probes: [tcp]
wal: {dir: ${wal2.path}}
`);
  await using agent = await startAgentProcess(config);
  const text = await waitFor("results", async () => {
    const m = await agent.metrics();
    return m.includes("vmprober_probes_total{") && m.includes('result="refused"') ? m : undefined;
  });
  const out = await promtoolCheck(text);
  assert.equal(out.report, "");
  assert.equal(out.code, 0);
});

Deno.test("agent run: /readyz is 503 until the first schedule (a slow HTTP source), then 200", async () => {
  await using open = tcpPeer();
  const release = Promise.withResolvers<void>();
  const sd = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async () => {
    await release.promise;
    return Response.json([{ targets: [`127.0.0.1:${open.port}`], labels: {} }]);
  });
  try {
    await using wal3 = await tempDir();
    const config = await writeConfig(`
agent: {listen: "127.0.0.1:0", log: {format: json}}
defaults: {interval: 200ms, timeout: 300ms}
probes: {tcp: {type: tcp}}
targets:
  - http: {url: "http://127.0.0.1:${sd.addr.port}/sd", timeout: 20s}
    probes: [tcp]
wal: {dir: ${wal3.path}}
`);
    await using agent = await startAgentProcess(config);
    assert.equal((await agent.get("/readyz")).status, 503);
    assert.equal((await agent.get("/healthz")).status, 200);
    release.resolve();
    await waitFor(
      "ready",
      async () => (await agent.get("/readyz")).status === 200 ? true : undefined,
    );
    await waitFor(
      "a result",
      async () =>
        metricValue(await agent.metrics(), "probe_success", {
            target: `127.0.0.1:${open.port}`,
          }) === 1
          ? true
          : undefined,
    );
  } finally {
    release.resolve();
    await sd.shutdown();
  }
});
