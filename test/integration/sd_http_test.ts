/**
 * The real agent process with an `http` source on a loopback SD server that answers 500,
 * garbage, a 20 MiB body, or hangs: the agent keeps the last good targets and counts each failure.
 */
import assert from "node:assert/strict";
import { metricValue, waitFor } from "../_support/agent_process.ts";
import { apiTargets, closedPort, labelsByAddress, startSdAgent } from "../_support/sd_agent.ts";
import { type SdServerMode, startSdHttpServer } from "../_support/sd_http_server.ts";

Deno.test("http source failures keep the last good targets in the running agent", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vmprober-sd-http-" });
  const [a, b] = [`127.0.0.1:${closedPort()}`, `127.0.0.1:${closedPort()}`];
  const good = JSON.stringify([{ targets: [a], labels: { from: "cmdb" } }]);
  await using server = startSdHttpServer({ kind: "ok", body: good });
  await using agent = await startSdAgent(
    dir,
    `
  - name: cmdb
    http: {url: "${server.url}", refresh: 150ms, timeout: 400ms}
    probes: [tcp]`,
  );
  try {
    const targets = () => apiTargets(agent);
    assert.deepEqual(labelsByAddress(await targets()), { [a]: { from: "cmdb" } });

    const cases: [SdServerMode, string][] = [
      [{ kind: "status", status: 500 }, "http_status"],
      [{ kind: "garbage" }, "format"],
      [{ kind: "huge", bytes: 20 * 1024 ** 2, contentLength: false }, "too_large"],
      [{ kind: "hang" }, "timeout"],
    ];
    for (const [mode, reason] of cases) {
      server.mode = mode;
      const m = await waitFor(`a ${reason} failure`, async () => {
        const text = await agent.metrics();
        const n = metricValue(text, "vmprober_sd_refresh_failures_total", {
          source: "cmdb",
          reason,
        });
        return n && n >= 1 ? text : undefined;
      });
      assert.equal(metricValue(m, "vmprober_sd_targets", { source: "cmdb" }), 1, reason);
      assert.deepEqual(labelsByAddress(await targets()), { [a]: { from: "cmdb" } }, reason);
    }
    const status = JSON.parse((await agent.get("/api/v1/status")).text);
    assert.equal(status.sources[0].state, "failing");
    // One warning when the source started failing, none for the later failures.
    assert.equal(agent.log().match(/Target source cmdb failing/g)?.length, 1);
    assert.match(
      agent.log(),
      new RegExp(`Target source cmdb failing, keeping its last 1 targets: ${server.url}: HTTP 500`),
    );

    server.mode = {
      kind: "ok",
      body: JSON.stringify([{ targets: [b], labels: { from: "cmdb2" } }]),
    };
    const after = await waitFor("recovery", async () => {
      const t = await targets();
      return t[0]?.address === b ? t : undefined;
    });
    assert.deepEqual(labelsByAddress(after), { [b]: { from: "cmdb2" } });
    await waitFor(
      "recovery log",
      () => /Target source cmdb recovered: 1 targets/.test(agent.log()) || undefined,
    );
  } finally {
    assert.equal(await agent.stop(), 0);
    await Deno.remove(dir, { recursive: true });
  }
});
