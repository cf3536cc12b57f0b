import assert from "node:assert/strict";
import { startAgent } from "../src/agent.ts";
import { parseConfig } from "../src/config/parse.ts";
import { openWal } from "../src/wal/wal.ts";
import { createWalSink } from "../src/wal/wal_sink.ts";
import { jobKey } from "../src/base/job_key.ts";
import { FakeClock } from "./_support/fake_clock.ts";

/** Leaves one record in a WAL at `dir`: the agent opens its segment and has a backlog to push. */
async function seedWal(dir: string): Promise<void> {
  await using wal = await openWal({
    dir,
    segmentSize: 1 << 20,
    maxSize: 1 << 24,
    fsync: "never",
    fsyncIntervalMs: 1000,
  });
  createWalSink(wal).write([{
    key: jobKey("ssh", "127.0.0.1"),
    timestampMs: 1_700_000_000_000,
    target: "127.0.0.1",
    probe: "ssh",
    type: "tcp",
    labels: {},
    success: true,
    durationSeconds: 0.001,
    attempts: 1,
  }]);
  await wal.flush();
}

/** Open file descriptors of this process (sockets, WAL files, watchers). */
const openFds = () => [...Deno.readDirSync("/proc/self/fd")].length;

Deno.test("startAgent() that fails after the WAL opened closes what it started", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vmprober-agent-" });
  using taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const listen = `127.0.0.1:${taken.addr.port}`;
  const configPath = `${dir}/vmprober.yaml`;
  const text = [
    `agent: { listen: "${listen}" }`,
    `wal: { dir: "${dir}/wal" }`,
    // A pusher that starts (and would retry forever) toward a port nothing listens on.
    `push: { url: "http://127.0.0.1:9/api/v1/write" }`,
    "probes: { ssh: { type: tcp, port: 22 } }",
    'targets: [{ static: { targets: ["127.0.0.1"] }, probes: [ssh] }]',
  ].join("\n");
  await Deno.writeTextFile(configPath, text);
  await seedWal(`${dir}/wal`);
  const before = openFds();
  await assert.rejects(
    startAgent({ configPath, config: parseConfig(text, configPath) }),
    (e: Error) => e.message.startsWith(`Cannot listen on ${listen}: `),
  );
  assert.equal(openFds(), before, "every file and socket the start-up opened is closed");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("startAgent() takes time from its clock; /api/v1/status shows the reloader's last reload; stop() cancels its wait", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vmprober-agent-" });
  const configPath = `${dir}/vmprober.yaml`;
  const text = [
    'agent: { listen: "127.0.0.1:0" }',
    `wal: { dir: "${dir}/wal" }`,
    "probes: { ssh: { type: tcp, port: 22 } }",
  ].join("\n");
  await Deno.writeTextFile(configPath, text);
  const clock = new FakeClock();
  const agent = await startAgent({ configPath, config: parseConfig(text, configPath), clock });
  const get = async (path: string) =>
    await (await fetch(`http://127.0.0.1:${agent.port}${path}`)).text();
  const lastReload = async () => JSON.parse(await get("/api/v1/status")).config.last_reload;
  const start = new Date(clock.wallNow()).toISOString();
  assert.deepEqual(await lastReload(), { time: start, ok: true });
  assert.match(
    await get("/metrics"),
    /\nvmprober_config_last_reload_success_timestamp_seconds 1700000000\n/,
  );
  clock.jump(60_000);
  await Deno.writeTextFile(configPath, `${text}\nbogus: 1\n`);
  const result = await agent.reload();
  assert.equal(result.ok, false);
  assert.deepEqual(await lastReload(), {
    time: new Date(clock.wallNow()).toISOString(),
    ok: false,
    error: result.error,
  });
  // Stopping waits for in-flight probes at most a probe timeout plus 1 s; with nothing running,
  // that wait is cancelled at once instead of left pending.
  await agent.stop();
  await agent.stopped;
  assert.equal(clock.sleeping, 0);
  await Deno.remove(dir, { recursive: true });
});
