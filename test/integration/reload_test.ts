/**
 * Hot reload of the real agent process: a broken config (by POST /-/reload, by SIGHUP, by the file
 * watch) keeps the old one running and reports the error with file:line:col; a good config applies
 * the difference without resetting unchanged targets' counters.
 */
import assert from "node:assert/strict";
import { metricValue, startAgentProcess, waitFor, writeConfig } from "../_support/agent_process.ts";
import { closedPort, waitReady } from "../_support/sd_agent.ts";

const config = (dir: string, targets: string[], timeout = "100ms") => `
agent: {listen: "127.0.0.1:0", log: {level: info, format: text}}
defaults: {interval: 200ms, timeout: 100ms}
probes:
  tcp: {type: tcp, timeout: ${timeout}}
targets:
  - name: core
    static: {targets: ${JSON.stringify(targets)}}
    probes: [tcp]
wal: {dir: ${dir}/wal}
`;

/** Every result of one target: the sum over `result` of vmprober_probes_total. */
function probesOf(metrics: string, target: string): number | undefined {
  let sum: number | undefined;
  for (const line of metrics.split("\n")) {
    if (line.startsWith("vmprober_probes_total{") && line.includes(`target="${target}"`)) {
      sum = (sum ?? 0) + Number(line.slice(line.lastIndexOf(" ") + 1));
    }
  }
  return sum;
}

Deno.test("reload: a broken config keeps the old one; a good one applies only the difference", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vmprober-reload-" });
  const [a, b, c] = [
    `127.0.0.1:${closedPort()}`,
    `127.0.0.1:${closedPort()}`,
    `127.0.0.1:${closedPort()}`,
  ];
  const path = await writeConfig(config(dir, [a, b]), dir);
  await using agent = await startAgentProcess(path);
  await waitReady(agent);
  try {
    const failures = async () =>
      metricValue(await agent.metrics(), "vmprober_config_reloads_total", { result: "failure" }) ??
        0;
    await waitFor(
      "probes of a",
      async () => (probesOf(await agent.metrics(), a) ?? 0) >= 2 || undefined,
    );

    // 1. POST /-/reload with a broken config: 400 with the error at file:line:col.
    await Deno.writeTextFile(path, config(dir, [a, b, c], "fast"));
    const res = await fetch(`${agent.url}/-/reload`, { method: "POST" });
    const body = await res.json();
    assert.equal(res.status, 400);
    assert.equal(body.ok, false);
    assert.equal(
      body.error,
      `${path}:5:29: probes.tcp.timeout: expected a duration like "5s", got "fast"`,
    );
    let m = await agent.metrics();
    assert.equal(metricValue(m, "vmprober_config_last_reload_successful"), 0);
    // The file watch saw the same write after its debounce (500 ms): the bytes the API reload
    // read, so no second reload of them.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await failures(), 1);

    // 2. SIGHUP with the broken config: a second failure, logged with file:line:col.
    agent.child.kill("SIGHUP");
    await waitFor("the SIGHUP reload", async () => (await failures()) === 2 || undefined);
    const errors = agent.log().split("\n").filter((l) => l.includes("Cannot reload config"));
    assert.equal(errors.length, 2);
    for (const line of errors) {
      assert.ok(line.includes(`${path}:5:29: probes.tcp.timeout: expected a duration`), line);
    }

    // The old config keeps running: a and b are still probed, c never was.
    const before = probesOf(await agent.metrics(), a)!;
    await waitFor(
      "more probes of a",
      async () => (probesOf(await agent.metrics(), a) ?? 0) > before || undefined,
    );
    m = await agent.metrics();
    assert.ok(probesOf(m, b)! > 0);
    assert.equal(probesOf(m, c), undefined);

    // 3. A good config: b removed, c added, a unchanged keeps counting from where it was.
    const aBefore = probesOf(await agent.metrics(), a)!;
    await Deno.writeTextFile(path, config(dir, [a, c]));
    const ok = await fetch(`${agent.url}/-/reload`, { method: "POST" });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { ok: true });
    m = await waitFor("c probed", async () => {
      const text = await agent.metrics();
      return probesOf(text, c) ? text : undefined;
    });
    assert.ok(probesOf(m, a)! >= aBefore, `a's counter went from ${aBefore} to ${probesOf(m, a)}`);
    assert.equal(probesOf(m, b), undefined);
    assert.equal(metricValue(m, "probe_success", { target: b }), undefined);
    assert.equal(metricValue(m, "vmprober_config_last_reload_successful"), 1);
    assert.match(
      agent.log(),
      /Scheduled 2 jobs on 2 targets .*added=1 removed=1 changed=0 unchanged=1/,
    );
    const targets = JSON.parse((await agent.get("/api/v1/targets")).text) as { address: string }[];
    assert.deepEqual(targets.map((t) => t.address), [a, c]);
  } finally {
    assert.equal(await agent.stop(), 0);
    await Deno.remove(dir, { recursive: true });
  }
});
