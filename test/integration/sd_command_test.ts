/**
 * The real agent process with a `command` source whose command exits 1, prints garbage or sleeps
 * past its timeout: the agent keeps the last good targets, and no process or zombie is left.
 */
import assert from "node:assert/strict";
import { metricValue, waitFor } from "../_support/agent_process.ts";
import { apiTargets, closedPort, labelsByAddress, startSdAgent } from "../_support/sd_agent.ts";
import { leftNothing, processState } from "../_support/sd_process.ts";

const SCRIPT = `#!/bin/sh
dir=$(dirname "$0")
case "$(cat "$dir/mode")" in
  ok) cat "$dir/out.json" ;;
  exit1) echo "cmdb unreachable" >&2; exit 1 ;;
  garbage) echo "<<<garbage>>>" ;;
  sleep) echo $$ >> "$dir/pids"; sleep 30 & echo $! >> "$dir/pids"; wait ;;
esac
`;

Deno.test("command source failures keep the last good targets and leave no process behind", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "vmprober-sd-cmd-" }));
  const a = `127.0.0.1:${closedPort()}`;
  await Deno.writeTextFile(`${dir}/list.sh`, SCRIPT, { mode: 0o755 });
  await Deno.writeTextFile(
    `${dir}/out.json`,
    JSON.stringify([{ targets: [a], labels: { from: "script" } }]),
  );
  await Deno.writeTextFile(`${dir}/mode`, "ok");
  await using agent = await startSdAgent(
    dir,
    `
  - name: script
    command: {run: ["./list.sh"], refresh: 150ms, timeout: 300ms}
    probes: [tcp]`,
  );
  try {
    const targets = () => apiTargets(agent);
    assert.deepEqual(labelsByAddress(await targets()), { [a]: { from: "script" } });
    for (
      const [mode, reason] of [["exit1", "exit_code"], ["garbage", "format"], [
        "sleep",
        "timeout",
      ]] as const
    ) {
      await Deno.writeTextFile(`${dir}/mode`, mode);
      const m = await waitFor(`a ${reason} failure`, async () => {
        const text = await agent.metrics();
        const n = metricValue(text, "vmprober_sd_refresh_failures_total", {
          source: "script",
          reason,
        });
        return n && n >= 1 ? text : undefined;
      });
      assert.equal(metricValue(m, "vmprober_sd_targets", { source: "script" }), 1, reason);
      assert.deepEqual(labelsByAddress(await targets()), { [a]: { from: "script" } }, reason);
    }
    assert.match(
      agent.log(),
      new RegExp(`keeping its last 1 targets: ${dir}/list.sh: exit code 1: cmdb unreachable`),
    );
    const status = JSON.parse((await agent.get("/api/v1/status")).text);
    assert.equal(status.sources[0].lastErrorReason, "timeout");
    assert.equal(status.sources[0].lastError, `${dir}/list.sh: killed after 300 ms timeout`);

    // Back to ok; every shell and sleep the timed-out runs started is gone and none is a zombie.
    await Deno.writeTextFile(`${dir}/mode`, "ok");
    const pids = (await Deno.readTextFile(`${dir}/pids`)).trim().split("\n").map(Number);
    assert.ok(pids.length >= 2);
    await waitFor(
      "killed processes to be reaped",
      () => pids.every((p) => leftNothing(p, agent.child.pid)) || undefined,
    );
    for (const p of pids) assert.notEqual(processState(p).state, "alive", `pid ${p} still running`);
  } finally {
    assert.equal(await agent.stop(), 0);
    await Deno.remove(dir, { recursive: true });
  }
});
