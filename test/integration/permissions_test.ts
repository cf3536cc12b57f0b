/**
 * The real agent process (the binary's permission flags) drops the permissions its config does not
 * need after start, shows what it holds in /api/v1/status, and refuses a reload that needs a
 * dropped one while the running config keeps probing.
 */
import assert from "node:assert/strict";
import { metricValue, startAgentProcess, waitFor, writeConfig } from "../_support/agent_process.ts";
import { tcpPeer } from "../_support/tcp_servers.ts";

const yaml = (dir: string, port: number, extra = "", icmp = "", tcp = "") => `
agent: {listen: "127.0.0.1:0", log: {level: info, format: text}}
defaults: {interval: 200ms, timeout: 150ms}
probes:
  t: {type: tcp, port: ${port}${tcp}}
  i: {type: icmp${icmp}}
targets:
  - static: {targets: ["127.0.0.1"]}
    probes: [t]
${extra}
wal: {dir: ${dir}/wal}
`;

const status = async (agent: { get(p: string): Promise<{ text: string }> }) =>
  JSON.parse((await agent.get("/api/v1/status")).text);

const tcpRuns = async (agent: { metrics(): Promise<string> }) =>
  metricValue(await agent.metrics(), "vmprober_probe_duration_seconds_count", { probe: "t" }) ?? 0;

/** A TCP module that is not connect-only: it connects through Deno.connect and wants no ffi. */
const SENDS = ', send: "x"';

Deno.test("agent run: a TCP-only config drops run and ffi; a reload that needs run is refused", async () => {
  await using peer = tcpPeer();
  const dir = await Deno.makeTempDir({ prefix: "vmprober-perm-" });
  const config = await writeConfig(yaml(dir, peer.port, "", "", SENDS), dir);
  await using agent = await startAgentProcess(config);
  const s = await waitFor("the permissions dropped", async () => {
    const s = await status(agent);
    return s.permissions.dropped.length > 0 ? s : undefined;
  });
  assert.deepEqual(s.permissions, {
    held: ["read", "write", "net", "env", "sys"],
    dropped: ["run", "ffi"],
  });
  assert.match(agent.log(), /Dropped permissions the config does not need: run, ffi/);

  await Deno.writeTextFile(
    config,
    yaml(dir, peer.port, `  - command: {run: ["./list.sh"]}\n    probes: [t]`, "", SENDS),
  );
  const res = await fetch(agent.url + "/-/reload", { method: "POST" });
  assert.equal(res.status, 400);
  assert.deepEqual(await res.json(), {
    ok: false,
    error: 'Cannot apply the config: command target source "command_1" needs the run permission, ' +
      "dropped at start because the running config did not need it (restart the agent to apply it)",
  });
  assert.equal((await status(agent)).config.last_reload.ok, false);
  // The running config keeps probing.
  const before = await tcpRuns(agent);
  await waitFor(
    "more TCP runs",
    async () => (await tcpRuns(agent)) >= before + 3 ? true : undefined,
  );
  assert.equal(metricValue(await agent.metrics(), "probe_success", { probe: "t" }), 1);
  assert.equal(await agent.stop(), 0);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("agent run: without a WAL (no wal, no push) write is dropped too", async () => {
  await using peer = tcpPeer();
  const dir = await Deno.makeTempDir({ prefix: "vmprober-perm-" });
  const config = await writeConfig(
    yaml(dir, peer.port, "", "", SENDS).replace(/^wal: .*$/m, ""),
    dir,
  );
  await using agent = await startAgentProcess(config);
  await waitFor("the start", async () => (await status(agent)).ready ? true : undefined);
  assert.deepEqual((await status(agent)).permissions, {
    held: ["read", "net", "env", "sys"],
    dropped: ["run", "ffi", "write"],
  });
  await waitFor(
    "a TCP success",
    async () =>
      metricValue(await agent.metrics(), "probe_success", { probe: "t" }) === 1 ? true : undefined,
  );
  assert.equal(await agent.stop(), 0);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("agent run: ICMP helpers keep what they need (socket: ffi, ping: run, auto: both)", async () => {
  await using peer = tcpPeer();
  const cases: [string, string[], string[]][] = [
    [", helper: socket", ["read", "write", "net", "env", "sys", "ffi"], ["run"]],
    [", helper: ping", ["read", "write", "net", "env", "sys", "run"], ["ffi"]],
    ["", ["read", "write", "net", "env", "sys", "run", "ffi"], []],
  ];
  for (const [helper, held, dropped] of cases) {
    const dir = await Deno.makeTempDir({ prefix: "vmprober-perm-" });
    const extra = `  - static: {targets: ["127.0.0.1"]}\n    probes: [i]`;
    const config = await writeConfig(yaml(dir, peer.port, extra, helper, SENDS), dir);
    await using agent = await startAgentProcess(config);
    await waitFor("the start", async () => (await status(agent)).ready ? true : undefined);
    assert.deepEqual((await status(agent)).permissions, { held, dropped }, helper);
    assert.equal(await agent.stop(), 0);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("agent run: a connect-only TCP module keeps ffi (the epoll poller); without it, a reload adding one falls back to Deno.connect", async () => {
  await using peer = tcpPeer();
  const dir = await Deno.makeTempDir({ prefix: "vmprober-perm-" });
  const config = await writeConfig(yaml(dir, peer.port), dir);
  {
    await using agent = await startAgentProcess(config);
    await waitFor("the start", async () => (await status(agent)).ready ? true : undefined);
    assert.deepEqual((await status(agent)).permissions, {
      held: ["read", "write", "net", "env", "sys", "ffi"],
      dropped: ["run"],
    });
    await waitFor(
      "a TCP success",
      async () =>
        metricValue(await agent.metrics(), "probe_success", { probe: "t" }) === 1
          ? true
          : undefined,
    );
    assert.match(agent.log(), /TCP: connect-only probes through the shared epoll poller/);
    assert.equal(await agent.stop(), 0);
  }
  // Started with a module that needs no ffi, it is dropped; the connect-only one added by a
  // reload is not refused for it and probes through Deno.connect.
  await Deno.writeTextFile(config, yaml(dir, peer.port, "", "", SENDS));
  await using agent = await startAgentProcess(config);
  await waitFor(
    "the drop",
    async () => (await status(agent)).permissions.dropped.includes("ffi") ? true : undefined,
  );
  await Deno.writeTextFile(
    config,
    yaml(dir, peer.port, "", "", SENDS).replace(/probes: \[t\]/, "probes: [u]").replace(
      "probes:\n",
      `probes:\n  u: {type: tcp, port: ${peer.port}}\n`,
    ),
  );
  const res = await fetch(agent.url + "/-/reload", { method: "POST" });
  assert.equal(res.status, 200, await res.text());
  await waitFor(
    "a TCP success of u",
    async () =>
      metricValue(await agent.metrics(), "probe_success", { probe: "u" }) === 1 ? true : undefined,
  );
  assert.match(
    agent.log(),
    /TCP: connect-only probes fall back to Deno\.connect \(more CPU per probe\): the ffi permission is prompt/,
  );
  assert.equal(await agent.stop(), 0);
  await Deno.remove(dir, { recursive: true });
});
