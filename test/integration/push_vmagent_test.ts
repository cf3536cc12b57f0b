/**
 * The real agent process pushing to a real vmagent that relays to a real VictoriaMetrics: the
 * relayed series hold exactly the samples the agent wrote to its WAL (same timestamps, same
 * count per series, the labels sorted and complete).
 */
import assert from "node:assert/strict";
import { metricValue, startAgentProcess, waitFor, writeConfig } from "../_support/agent_process.ts";
import { closedPort, tcpPeer } from "../_support/tcp_servers.ts";
import { startVictoriaMetrics } from "../_support/vm_server.ts";
import { startVmagent } from "../_support/vmagent_server.ts";
import { isStaleMarker, seriesKey, walSeries } from "../_support/wal_samples.ts";
import { tempDir } from "../_support/temp_dir.ts";

Deno.test("agent → vmagent → VictoriaMetrics: exactly the WAL's samples arrive", async () => {
  await using vm = await startVictoriaMetrics();
  await using relay = await startVmagent(vm.writeUrl);
  await using open = tcpPeer();
  await using walTmp = await tempDir({ prefix: "push_vmagent_wal_" });
  const walDir = walTmp.path;
  const path = await writeConfig(`
agent:
  listen: 127.0.0.1:0
  labels: {site: relay}
  log: {level: info, format: json}
defaults: {interval: 100ms, timeout: 80ms}
probes:
  tcp: {type: tcp}
targets:
  - static: {targets: ["127.0.0.1:${open.port}", "127.0.0.1:${closedPort()}"]}
    probes: [tcp]
wal: {dir: ${walDir}, fsync: batch, fsync_interval: 100ms}
push:
  url: ${relay.writeUrl}
  batch: {max_samples: 50}
  extra_labels: {env: ci}
`);
  {
    await using agent = await startAgentProcess(path);
    await waitFor(
      "300 pushed samples",
      async () =>
        (metricValue(await agent.metrics(), "vmprober_push_samples_total") ?? 0) >= 300 ||
        undefined,
      60_000,
    );
    assert.equal(await agent.stop("SIGTERM"), 0);
  }
  const wal = (await walSeries(walDir)).filter((s) => !isStaleMarker(s));
  const expected = new Map<string, number[]>();
  for (const s of wal) {
    const key = seriesKey(Object.fromEntries(s.labels));
    expected.set(key, [...(expected.get(key) ?? []), s.timestampMs]);
  }
  const exported = await vm.waitForSamples('{__name__=~"probe_.+"}', wal.length, 30_000);
  const got = new Map<string, number[]>();
  for (const s of exported) got.set(seriesKey(s.metric), [...s.timestamps].sort((a, b) => a - b));
  for (const [k, ts] of expected) expected.set(k, ts.sort((a, b) => a - b));
  assert.equal(expected.size, 12); // blackbox's 6 TCP families × 2 targets
  assert.deepEqual(got, expected);
  for (const key of got.keys()) {
    assert.match(key, /env=ci,instance=127\.0\.0\.1:\d+,job=tcp,probe=tcp,site=relay,target=/);
  }
});
