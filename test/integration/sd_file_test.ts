/**
 * The real agent process with a `file` source: a target file edited while it runs (targets
 * added, removed, relabelled) shows up in /api/v1/targets and /metrics.
 */
import assert from "node:assert/strict";
import { metricValue, waitFor } from "../_support/agent_process.ts";
import {
  apiTargets,
  closedPort,
  labelsByAddress,
  startSdAgent,
  writeAtomically,
} from "../_support/sd_agent.ts";

Deno.test("file source edits show up in /api/v1/targets and /metrics while the agent runs", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vmprober-sd-file-" });
  const [a, b, c] = [
    `127.0.0.1:${closedPort()}`,
    `127.0.0.1:${closedPort()}`,
    `127.0.0.1:${closedPort()}`,
  ];
  await Deno.mkdir(`${dir}/targets`);
  await Deno.writeTextFile(
    `${dir}/targets/edge.json`,
    JSON.stringify([{ targets: [a, b], labels: { role: "old" } }]),
  );
  await using agent = await startSdAgent(
    dir,
    `
  - name: inventory
    file: {paths: ["targets/*.json"], refresh: 1m}
    probes: [tcp]`,
    { interval: "200ms" },
  );
  try {
    const targets = () => apiTargets(agent);
    assert.deepEqual(labelsByAddress(await targets()), {
      [a]: { role: "old" },
      [b]: { role: "old" },
    });
    await waitFor(
      "first probes of a",
      async () => metricValue(await agent.metrics(), "probe_success", { target: a, role: "old" }),
    );

    // Edit: a removed, b relabelled, c added. The file watch picks it up (refresh is 1m).
    await writeAtomically(
      `${dir}/targets/edge.json`,
      JSON.stringify([{ targets: [b], labels: { role: "new" } }, {
        targets: [c],
        labels: { role: "added" },
      }]),
    );
    const after = await waitFor("the edit in /api/v1/targets", async () => {
      const t = await targets();
      return t.some((x) => x.address === c) ? t : undefined;
    });
    assert.deepEqual(labelsByAddress(after), { [b]: { role: "new" }, [c]: { role: "added" } });
    assert.deepEqual(after.map((t) => t.sources), [["inventory"], ["inventory"]]);
    const metrics = await waitFor("the edit in /metrics", async () => {
      const m = await agent.metrics();
      return metricValue(m, "probe_success", { target: c }) !== undefined &&
          metricValue(m, "probe_success", { target: b, role: "new" }) !== undefined
        ? m
        : undefined;
    });
    assert.equal(metricValue(metrics, "probe_success", { target: a }), undefined);
    assert.equal(metricValue(metrics, "probe_success", { target: b, role: "old" }), undefined);
    assert.equal(metricValue(metrics, "probe_success", { target: c, role: "added" }), 0);
    assert.equal(metricValue(metrics, "vmprober_sd_targets", { source: "inventory" }), 2);

    // A broken edit: the last good targets stay, the failure is counted with its reason.
    await writeAtomically(`${dir}/targets/edge.json`, "[{not json");
    const broken = await waitFor("the format failure", async () => {
      const m = await agent.metrics();
      const n = metricValue(m, "vmprober_sd_refresh_failures_total", {
        source: "inventory",
        reason: "format",
      });
      return n && n >= 1 ? m : undefined;
    });
    assert.equal(metricValue(broken, "vmprober_sd_source_healthy", { source: "inventory" }), 0);
    assert.deepEqual(labelsByAddress(await targets()), {
      [b]: { role: "new" },
      [c]: { role: "added" },
    });
    const status = JSON.parse((await agent.get("/api/v1/status")).text);
    assert.equal(status.sources[0].state, "failing");
    assert.match(status.sources[0].lastError, /edge\.json: invalid JSON: /);
    assert.match(
      agent.log(),
      /Target source inventory failing, keeping its last 2 targets: .*edge\.json: invalid JSON/,
    );
  } finally {
    assert.equal(await agent.stop(), 0);
    await Deno.remove(dir, { recursive: true });
  }
});
