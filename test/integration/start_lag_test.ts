/**
 * The scheduler runs while the first target list is applied: a job added early in a big list that
 * falls due before the last job is added starts on time instead of after the whole apply (200,000
 * HTTP SD targets: start-up lag p99 1-4.7 s before, 15-40 ms after, test/bench/big_load_bench.ts).
 * Structural here: with 20,000 static targets on a 10 s interval, some probes reach their peer
 * before the agent logs that the list is scheduled; before, none could (the scheduler started
 * after that line).
 */
import assert from "node:assert/strict";
import { startAgentProcess, writeConfig } from "../_support/agent_process.ts";
import { loopbackAddress } from "../_support/big_sd.ts";
import { bigStaticConfig } from "../_support/big_load_configs.ts";

const TARGETS = 20_000;

Deno.test("probes start while the first 20,000-target list is still being applied", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vmprober-start-lag-" });
  // Every 127.x.y.z address of this port reaches one listener on 0.0.0.0; accept times are
  // wall-clock ms, as the agent's log timestamps are.
  const listener = Deno.listen({ hostname: "0.0.0.0", port: 0 });
  const port = listener.addr.port;
  const accepts: number[] = [];
  const serving = (async () => {
    for await (const conn of listener) {
      accepts.push(Date.now());
      conn.close();
    }
  })().catch(() => {});
  const targets = Array.from({ length: TARGETS }, (_, i) => loopbackAddress(i + 1, port));
  const config = await writeConfig(
    bigStaticConfig(dir, targets, { interval: "10s", timeout: "200ms" }),
    dir,
  );
  await using agent = await startAgentProcess(config, { startTimeoutMs: 60_000 });
  try {
    let scheduledAt: number | undefined;
    for (let i = 0; i < 600 && scheduledAt === undefined; i++) {
      const m = /(\S+Z) INFO agent: Scheduled 20000 jobs/.exec(agent.log());
      if (m) scheduledAt = Date.parse(m[1]!);
      else await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(scheduledAt !== undefined, agent.log());
    const before = accepts.filter((t) => t < scheduledAt!).length;
    assert.ok(before > 0, `no probe before the list was scheduled (${accepts.length} after)`);
  } finally {
    assert.equal(await agent.stop(), 0);
    listener.close();
    await serving;
    await Deno.remove(dir, { recursive: true });
  }
});
