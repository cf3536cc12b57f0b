/**
 * The real agent under a low fd limit (`prlimit --nofile=256`) with 300 connect-only modules on
 * one SYN-dropping port: the pending connects take no more than the poller's cap, so the probes
 * past it fail with `Too many open files` while the WAL keeps writing, a reload reads its config,
 * the agent recovers once the targets go, and SIGTERM exits 0.
 */
import assert from "node:assert/strict";
import { metricValue, startAgentProcess, waitFor, writeConfig } from "../_support/agent_process.ts";
import { synDropPeer } from "../_support/syn_drop_peer.ts";
import { tcpPeer } from "../_support/tcp_servers.ts";
import { tempDir } from "../_support/temp_dir.ts";

const config = (wal: string, open: number, drop: number | undefined) => {
  const names = drop === undefined ? [] : Array.from({ length: 300 }, (_, i) => `d${i}`);
  return `
agent: {listen: "127.0.0.1:0", log: {format: json}}
defaults: {interval: 300ms, timeout: 2s}
limits: {per_host_rate: 100000, global_rate: 100000}
probes:
  open: {type: tcp}
${names.map((n) => `  ${n}: {type: tcp}`).join("\n")}
targets:
  - static: {targets: ["127.0.0.1:${open}"]}
    probes: [open]
${drop === undefined ? "" : `  - static: {targets: ["127.0.0.1:${drop}"]}\n    probes: [${names}]`}
wal: {dir: ${wal}}
`;
};

Deno.test("agent under a low fd limit: probes past the poller's cap fail, WAL and reload go on", async () => {
  await using drop = await synDropPeer();
  await using open = tcpPeer();
  await using wal = await tempDir();
  const path = await writeConfig(config(wal.path, open.port, drop.port));
  await using agent = await startAgentProcess(path, { wrap: ["prlimit", "--nofile=256:256"] });
  await waitFor("probes failing at the fd cap", async () => {
    const m = await agent.metrics();
    return m.includes('result="error"') ? m : undefined;
  });
  await new Promise((r) => setTimeout(r, 1000));
  await Deno.writeTextFile(path, config(wal.path, open.port, undefined));
  const reload = await fetch(`${agent.url}/-/reload`, { method: "POST" });
  assert.equal(reload.status, 200, await reload.text());
  await waitFor("the open target connecting again", async () => {
    const v = metricValue(await agent.metrics(), "probe_success", { probe: "open" });
    return v === 1 ? v : undefined;
  });
  assert.equal(await agent.stop("SIGTERM"), 0);
  const log = agent.log();
  assert.match(log, /"msg":"Stopped"/);
  const lines = log.split("\n").filter((l) => l.includes("Too many open files"));
  assert.deepEqual(lines, [], "only probe outcomes may say it, never the WAL or the config");
});
