/**
 * A pull-only agent writes nothing to disk: without `push:` and without `wal:` there is no WAL
 * directory and no file; an explicit `wal:` section keeps a local history.
 */
import assert from "node:assert/strict";
import { metricValue, startAgentProcess, waitFor } from "../_support/agent_process.ts";
import { closedPort } from "../_support/tcp_servers.ts";
import { inspectJson } from "../_support/wal_cli.ts";

function config(extra: string): string {
  return [
    'agent: { listen: "127.0.0.1:0" }',
    "defaults: { interval: 100ms, timeout: 1s }",
    "probes: { tcp_x: { type: tcp } }",
    `targets: [{ static: { targets: ["127.0.0.1:${closedPort()}"] }, probes: [tcp_x] }]`,
    extra,
  ].join("\n");
}

/** Runs the agent in a fresh working directory until it made `n` probes; returns the directory. */
async function runUntilProbed(yaml: string, n: number): Promise<string> {
  const cwd = await Deno.makeTempDir({ prefix: "vmprober_wal_off_" });
  Deno.writeTextFileSync(`${cwd}/vmprober.yaml`, yaml);
  await using agent = await startAgentProcess(`${cwd}/vmprober.yaml`, { cwd });
  await waitFor("probes", async () => {
    const v = metricValue(await agent.metrics(), "vmprober_probes_total");
    return v !== undefined && v >= n ? v : undefined;
  });
  assert.equal(await agent.stop(), 0);
  return cwd;
}

function tree(dir: string, prefix = ""): string[] {
  return [...Deno.readDirSync(dir)].flatMap((e) =>
    e.isDirectory ? [`${prefix}${e.name}/`, ...tree(`${dir}/${e.name}`, `${prefix}${e.name}/`)] : [
      `${prefix}${e.name}`,
    ]
  ).sort();
}

Deno.test("an agent without push: and without wal: creates no WAL directory and no file", async () => {
  const cwd = await runUntilProbed(config(""), 5);
  try {
    assert.deepEqual(tree(cwd), ["vmprober.yaml"]);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("an agent without push: but with a wal: section keeps the records in its WAL", async () => {
  const cwd = await runUntilProbed(config("wal: { fsync: always }"), 5);
  try {
    assert.ok(tree(cwd).includes("data/wal/"), tree(cwd).join(", "));
    const report = await inspectJson(`${cwd}/data/wal`);
    assert.ok((report.records as number) >= 1, JSON.stringify(report));
    assert.ok((report.samples as number) >= 5, JSON.stringify(report));
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});
