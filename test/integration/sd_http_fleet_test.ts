/**
 * The real agent process with an `http` source whose URL carries `${hostname}` and
 * `${label:site}`: the loopback SD server sees the agent's own path, then conditional refreshes
 * answered 304, counted in `/metrics`, with the targets kept.
 */
import assert from "node:assert/strict";
import { metricValue, startAgentProcess, waitFor, writeConfig } from "../_support/agent_process.ts";
import { startSdConditionalServer } from "../_support/sd_conditional_server.ts";
import { closedPort } from "../_support/tcp_servers.ts";
import { tempDir } from "../_support/temp_dir.ts";

Deno.test("agent fetches its own SD path (hostname, site label) and counts 304 answers", async () => {
  const target = `127.0.0.1:${closedPort()}`;
  await using sd = startSdConditionalServer(JSON.stringify([{ targets: [target], labels: {} }]));
  await using tmp = await tempDir({ prefix: "vmprober-sd-fleet-" });
  const dir = tmp.path;
  await using agent = await startAgentProcess(
    await writeConfig(
      [
        'agent: {listen: "127.0.0.1:0", log: {format: text}, labels: {site: "fra 1"}}',
        "probes: {tcp: {type: tcp}}",
        "targets:",
        `  - name: cmdb`,
        `    http: {url: "${sd.url}/sd/\${hostname}?site=\${label:site}", refresh: 100ms}`,
        "    probes: [tcp]",
        "",
      ].join("\n"),
      dir,
    ),
  );
  const text = await waitFor("three 304 answers", async () => {
    const m = await agent.metrics();
    const n = metricValue(m, "vmprober_sd_http_not_modified_total", { source: "cmdb" });
    return n !== undefined && n >= 3 ? m : undefined;
  });
  assert.equal(metricValue(text, "vmprober_sd_targets", { source: "cmdb" }), 1);
  const path = `/sd/${encodeURIComponent(Deno.hostname())}?site=fra%201`;
  assert.ok(sd.requests.length >= 4);
  assert.ok(sd.requests.every((r) => r.path === path), sd.requests[0]!.path);
  assert.equal(sd.requests[0]!.status, 200);
  assert.equal(sd.requests[0]!.headers.get("if-none-match"), null);
  for (const r of sd.requests.slice(1, 4)) {
    assert.equal(r.status, 304);
    assert.equal(r.headers.get("if-none-match"), '"v1"');
  }
  const targets = JSON.parse((await agent.get("/api/v1/targets")).text);
  assert.deepEqual(targets.map((t: { address: string }) => t.address), [target]);
});
