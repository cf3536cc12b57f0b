/**
 * The real agent against a hostile TCP peer: `expect: "^(a+)+$"` is catastrophic for a
 * backtracking engine on `"a" * 40 + "!"`. With the linear-time engine the event loop stays free:
 * /healthz answers, the probe reports `mismatch`, and SIGTERM ends the process within its grace.
 */
import assert from "node:assert/strict";
import { metricValue, startAgentProcess, writeConfig } from "../_support/agent_process.ts";
import { tcpPeer } from "../_support/tcp_servers.ts";
import { tempDir } from "../_support/temp_dir.ts";

/** GET with a hard timeout: a stalled agent fails the request instead of hanging the test. */
async function getWithin(url: string, ms: number): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(ms) });
  return { status: res.status, text: await res.text() };
}

Deno.test("agent run: a catastrophic expect regex on hostile peer bytes never blocks the event loop", async () => {
  const evil = new TextEncoder().encode("a".repeat(40) + "!");
  await using peer = tcpPeer(async (conn) => {
    await conn.write(evil);
    conn.close();
  });
  await using wal = await tempDir();
  const config = await writeConfig(`
agent:
  listen: 127.0.0.1:0
  log: {level: info, format: json}
defaults: {interval: 200ms, timeout: 1s}
probes:
  evil: {type: tcp, expect: "^(a+)+$"}
targets:
  - static: {targets: ["127.0.0.1:${peer.port}"]}
    probes: [evil]
wal: {dir: ${wal.path}}
`);
  await using agent = await startAgentProcess(config);
  const healthDelays: number[] = [];
  let mismatches = 0;
  const end = Date.now() + 10_000;
  while (Date.now() < end && (mismatches < 3 || healthDelays.length < 10)) {
    const t0 = performance.now();
    const health = await getWithin(`${agent.url}/healthz`, 2000).catch((e) => {
      throw new Error(`/healthz did not answer within 2 s: ${e}`);
    });
    healthDelays.push(performance.now() - t0);
    assert.equal(health.status, 200);
    const metrics = await getWithin(`${agent.url}/metrics`, 2000);
    mismatches = metricValue(metrics.text, "vmprober_probes_total", {
      probe: "evil",
      result: "mismatch",
    }) ?? 0;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(mismatches >= 3, `expected 3 mismatches, got ${mismatches}`);
  const metrics = await getWithin(`${agent.url}/metrics`, 2000);
  assert.equal(metricValue(metrics.text, "probe_success", { probe: "evil" }), 0);

  // SIGTERM: graceful stop within the grace time (in-flight probes ≤ 1 s timeout, + 1 s).
  const t0 = Date.now();
  agent.child.kill("SIGTERM");
  let timer: ReturnType<typeof setTimeout> | undefined;
  const exited = await Promise.race([
    agent.child.status.then((s) => s.code),
    new Promise<string>((r) => (timer = setTimeout(() => r("still running"), 8000))),
  ]);
  clearTimeout(timer);
  assert.equal(exited, 0, `after SIGTERM: ${exited} (${Date.now() - t0} ms)`);
});
