/**
 * A batch that reached Prometheus but whose answer the agent never saw (the connection hung, then
 * the agent was killed: the same as an answer just before a crash that cut the position save
 * short). After the restart the batch is sent again: on its own, as it was (sent_batches.ts), it
 * is refused as out of order and counted `resent`; joined with the newer records written since,
 * Prometheus would refuse those too and they would be lost. Real agent processes, real Prometheus.
 */
import assert from "node:assert/strict";
import {
  agentMetric,
  metricValue,
  startAgentProcess,
  waitFor,
  writeConfig,
} from "../_support/agent_process.ts";
import { startPrometheus } from "../_support/prom_servers.ts";
import { closedPort, tcpPeer } from "../_support/tcp_servers.ts";
import { isStaleMarker, seriesKey, walSeries } from "../_support/wal_samples.ts";
import { tempDir } from "../_support/temp_dir.ts";
import { forwardingProxy } from "../_support/forwarding_proxy.ts";
import { tcpPushYaml } from "../_support/tcp_push_yaml.ts";
import { parseSent, SENT_FILE } from "../../src/wal/sent_batches.ts";

function configYaml(pushUrl: string, walDir: string, targets: string[]): string {
  // Records become readable every 500 ms, five ticks at a time: each batch holds several samples
  // of every series, so a batch sent twice is out of order at Prometheus.
  return tcpPushYaml(pushUrl, walDir, targets, {
    fsyncInterval: "500ms",
    maxSamples: 20000,
    timeout: "30s",
  });
}

const metric = agentMetric;

Deno.test("a batch Prometheus got but the agent never heard back about is sent again alone after a restart: nothing newer lost", async () => {
  await using prom = await startPrometheus();
  await using open = tcpPeer();
  const targets = [`127.0.0.1:${open.port}`, `127.0.0.1:${closedPort()}`];
  await using walTmp = await tempDir({ prefix: "push_resend_wal_" });
  const walDir = walTmp.path;
  await using proxy = forwardingProxy(prom.writeUrl);

  // 1. Pushing through the proxy; after a few batches it forwards one and never answers it.
  const first = await startAgentProcess(
    await writeConfig(configYaml(proxy.url, walDir, targets)),
  );
  await waitFor("three batches forwarded", () => proxy.state.forwarded >= 3 || undefined, 30_000);
  proxy.state.swallow = true;
  await waitFor("a batch forwarded, unanswered", () => proxy.state.swallowed >= 1 || undefined);
  // Newer records pile up behind it (written every 500 ms) while the agent waits for the answer.
  await new Promise((r) => setTimeout(r, 2_000));
  assert.equal(await first.stop("SIGKILL"), 137);
  const sent = parseSent(await Deno.readTextFile(`${walDir}/${SENT_FILE}`));
  assert.ok(sent && sent.ends.length >= 1, `sent file: ${JSON.stringify(sent)}`);

  // 2. Restarted, pushing to Prometheus directly, until everything written has arrived.
  const path = await writeConfig(configYaml(prom.writeUrl, walDir, targets));
  await using second = await startAgentProcess(path);
  await waitFor(
    "the backlog drained",
    async () => await metric(second, "vmprober_push_backlog_samples") <= 200 || undefined,
    60_000,
  );
  await Deno.writeTextFile(path, configYaml(prom.writeUrl, walDir, []));
  const r = await fetch(`${second.url}/-/reload`, { method: "POST" });
  assert.equal(r.status, 200, await r.text());
  await waitFor(
    "nothing left to push",
    async () => await metric(second, "vmprober_push_backlog_samples") === 0 || undefined,
    60_000,
  );
  const m = await second.metrics();
  const dropped = (reason: string) =>
    metricValue(m, "vmprober_push_dropped_samples_total", { reason }) ?? 0;
  assert.equal(dropped("rejected"), 0);
  // The batch sent twice, refused the second time; it is the one sample count Prometheus has.
  assert.ok(dropped("resent") > 0, "the batch was not refused as a resend");
  assert.match(second.log(), /sent before the restart again refused with HTTP 400/);
  assert.equal(await second.stop("SIGTERM"), 0);

  // Prometheus holds exactly the samples of the WAL: the swallowed batch once, everything after.
  const expected = new Map<string, number>();
  for (const s of await walSeries(walDir)) {
    if (isStaleMarker(s)) continue;
    const key = seriesKey(Object.fromEntries(s.labels));
    expected.set(key, (expected.get(key) ?? 0) + 1);
  }
  const got = new Map<string, number>();
  for (const s of await prom.rawSamples('{__name__=~"probe_.+"}')) {
    got.set(seriesKey(s.metric), s.values.length);
  }
  assert.ok(expected.size >= 8, `only ${expected.size} series`);
  assert.deepEqual(got, expected);
});
