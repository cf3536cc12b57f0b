/**
 * A reload to a config with 100,000 static targets in the real agent process: the YAML parse,
 * validation, merge and scheduling run in slices, so `/healthz` keeps answering during the
 * reload (polled every 10 ms) and the reload's answer comes after the new jobs are scheduled.
 * Before: one 5.7 s stall. The bound is loose for a 2-core machine shared with other work (load
 * 8-15: gaps up to ~1.7 s); the figures are in test/bench/big_load_bench.ts.
 */
import assert from "node:assert/strict";
import { startAgentProcess, writeConfig } from "../_support/agent_process.ts";
import { loopbackAddress } from "../_support/big_sd.ts";
import { bigStaticConfig } from "../_support/big_load_configs.ts";
import { pollDuringReload } from "../_support/poll_during.ts";
import { closedPort } from "../_support/tcp_servers.ts";

const TARGETS = 100_000;

Deno.test("a reload to 100,000 static targets never stalls /healthz for long", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vmprober-big-static-" });
  const port = closedPort();
  const path = await writeConfig(bigStaticConfig(dir, [loopbackAddress(0)], { port }), dir);
  await using agent = await startAgentProcess(path, { startTimeoutMs: 30_000 });
  try {
    const all = Array.from({ length: TARGETS }, (_, i) => loopbackAddress(i));
    await Deno.writeTextFile(path, bigStaticConfig(dir, all, { port }));
    const { answer, gaps } = await pollDuringReload(agent.url, 60_000);
    assert.equal(answer.status, 200, answer.text);
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
