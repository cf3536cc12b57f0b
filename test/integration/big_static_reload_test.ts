/**
 * A reload to a config with 100,000 static targets in the real agent process: the YAML parse,
 * validation, merge and scheduling run in slices, so `/healthz` keeps answering during the
 * reload (polled every 10 ms) and the reload's answer comes after the new jobs are scheduled.
 * Before: one 5.7 s stall. The bound is loose for a 2-core machine shared with other work (load
 * 8-15: gaps up to ~1.7 s); the figures are in test/bench/big_load_bench.ts.
 */
import assert from "node:assert/strict";
import { startAgentProcess, writeConfig } from "../_support/agent_process.ts";
import { loopbackAddress, pollGaps } from "../_support/big_sd.ts";
import { closedPort } from "../_support/tcp_servers.ts";

const TARGETS = 100_000;

function config(dir: string, targets: string[]): string {
  return `
agent: {listen: "127.0.0.1:0", log: {level: info, format: text}}
defaults: {interval: 1h, timeout: 100ms}
probes:
  tcp: {type: tcp, port: ${closedPort()}}
targets:
  - name: inventory
    probes: [tcp]
    static:
      targets:
${targets.map((t) => `        - ${t}`).join("\n")}
wal: {dir: ${dir}/wal}
`;
}

Deno.test("a reload to 100,000 static targets never stalls /healthz for long", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vmprober-big-static-" });
  const path = await writeConfig(config(dir, [loopbackAddress(0)]), dir);
  await using agent = await startAgentProcess(path, { startTimeoutMs: 30_000 });
  try {
    const all = Array.from({ length: TARGETS }, (_, i) => loopbackAddress(i));
    await Deno.writeTextFile(path, config(dir, all));
    let answer: { status: number; text: string } | undefined;
    const reload = fetch(`${agent.url}/-/reload`, { method: "POST" })
      .then(async (r) => (answer = { status: r.status, text: await r.text() }));
    const gaps = await pollGaps(agent.url, () => Promise.resolve(answer !== undefined), 60_000);
    await reload;
    assert.equal(answer?.status, 200, answer?.text);
    const status = JSON.parse((await agent.get("/api/v1/status")).text);
    assert.equal(status.targets, TARGETS);
    assert.equal(status.jobs, TARGETS);
    assert.ok(gaps.maxMs < 2000, `/healthz stalled ${gaps.maxMs.toFixed(0)} ms during the reload`);
    assert.ok(gaps.polls > 10, `only ${gaps.polls} polls`);
  } finally {
    assert.equal(await agent.stop(), 0);
    await Deno.remove(dir, { recursive: true });
  }
});
