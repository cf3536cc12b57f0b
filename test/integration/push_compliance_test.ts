/**
 * The cases of the Prometheus remote-write sender compliance suite, checked on every request the
 * real agent process sends to a recording receiver that delays each one by a seeded random
 * 0–1.5 s: headers, sorted labels, no empty values, no repeated names, valid names, per-series
 * timestamp order across requests in flight, stale markers after a target is removed, HELP/TYPE
 * metadata, and a bounded resumption delay after an outage with the default backoff.
 */
import assert from "node:assert/strict";
import { metricValue, startAgentProcess, waitFor, writeConfig } from "../_support/agent_process.ts";
import { type ProxiedRequest, startDelayProxy } from "../_support/delay_proxy.ts";
import { closedPort, tcpPeer } from "../_support/tcp_servers.ts";
import { isStaleMarker, seriesKey } from "../_support/wal_samples.ts";
import { LABEL_NAME_RE, METRIC_NAME_RE } from "../../src/results/label_set.ts";
import { tempDir } from "../_support/temp_dir.ts";

const config = (url: string, walDir: string, targets: string[]) => `
agent:
  listen: 127.0.0.1:0
  labels: {site: compliance, Zone: eu, empty: ""}
  log: {level: info, format: json}
defaults: {interval: 100ms, timeout: 80ms}
probes:
  tcp: {type: tcp}
${
  targets.length
    ? `targets:\n  - static: {targets: [${targets.map((t) => `"${t}"`).join(", ")}]}\n` +
      "    probes: [tcp]"
    : ""
}
wal: {dir: ${walDir}, fsync: batch, fsync_interval: 100ms}
push:
  url: ${url}
  batch: {max_samples: 200}
  extra_labels: {site: loses, env: ci}
`;

/** The 2xx-answered requests that carry samples, in the order the receiver answered them. */
const accepted = (rs: ProxiedRequest[]) => rs.filter((r) => r.status === 204 && r.series.length);

Deno.test("remote write: every compliance case on the requests of the real agent", async () => {
  await using open = tcpPeer();
  const kept = `127.0.0.1:${open.port}`;
  const removed = `127.0.0.1:${closedPort()}`;
  await using proxy = startDelayProxy({ seed: 7, maxDelayMs: 1500 });
  proxy.down = true;
  await using wal = await tempDir({ prefix: "push_compliance_" });
  const walDir = wal.path;
  const path = await writeConfig(config(proxy.url, walDir, [kept, removed]));
  await using agent = await startAgentProcess(path);

  // An outage of 8 s: the backoff reaches its 5 s default cap; then the receiver returns.
  await new Promise((r) => setTimeout(r, 8_000));
  const back = performance.now();
  proxy.down = false;
  await waitFor(
    "a first accepted request",
    () => Promise.resolve(accepted(proxy.requests)[0]),
    20_000,
  );
  const outage = proxy.requests.filter((r) => r.arrivedMs < back && r.series.length);
  const firstAfter = proxy.requests.find((r) => r.arrivedMs >= back && r.series.length)!;
  // Resumption: the first attempt after the return comes within max_backoff (5 s) + slack.
  assert.ok(
    firstAfter.arrivedMs - back <= 6_500,
    `resumed after ${firstAfter.arrivedMs - back} ms`,
  );
  const gaps = outage.slice(1).map((r, i) => r.arrivedMs - outage[i]!.arrivedMs);
  assert.ok(outage.length >= 6, `${outage.length} attempts during the outage`);
  assert.ok(Math.max(...gaps) <= 6_500, `backoff grew to ${Math.max(...gaps)} ms`);

  const backlog = async () =>
    metricValue(await agent.metrics(), "vmprober_push_backlog_samples") ?? Infinity;
  await waitFor(
    "the outage's backlog sent",
    async () => await backlog() <= 200 || undefined,
    90_000,
  );
  // Labels left out are counted once per job: `empty` (empty value) and extra_labels' `site`.
  const m = await agent.metrics();
  assert.equal(metricValue(m, "vmprober_push_labels_dropped_total", { reason: "duplicate" }), 2);
  assert.equal(metricValue(m, "vmprober_push_labels_dropped_total", { reason: "empty_value" }), 2);
  assert.equal(metricValue(m, "vmprober_push_labels_dropped_total", { reason: "invalid_name" }), 0);
  // One target leaves, then the other: each one's series end with a stale marker.
  for (const targets of [[kept], []]) {
    await Deno.writeTextFile(path, config(proxy.url, walDir, targets));
    assert.equal((await fetch(`${agent.url}/-/reload`, { method: "POST" })).status, 200);
    await new Promise((r) => setTimeout(r, 500));
  }
  await waitFor("everything sent", async () => await backlog() === 0 || undefined, 90_000);
  assert.equal(await agent.stop("SIGTERM"), 0);

  const requests = accepted(proxy.requests);
  // Headers of the spec.
  for (const r of proxy.requests) {
    assert.equal(r.headers["content-encoding"], "snappy");
    assert.equal(r.headers["content-type"], "application/x-protobuf");
    assert.equal(r.headers["x-prometheus-remote-write-version"], "0.1.0");
  }
  const last = new Map<string, number>();
  const stale = new Map<string, number>();
  let samples = 0;
  for (const r of requests) {
    for (const s of r.series) {
      const names = s.labels.map(([n]) => n);
      // Sorted by name, strictly: no name repeated.
      assert.deepEqual(names, [...names].sort(), names.join());
      assert.equal(new Set(names).size, names.length, names.join());
      for (const [n, v] of s.labels) {
        assert.match(n, LABEL_NAME_RE);
        assert.notEqual(v, "", `empty value of ${n}`);
      }
      const labels = Object.fromEntries(s.labels);
      assert.match(labels.__name__ ?? "", METRIC_NAME_RE);
      assert.equal(labels.site, "compliance"); // the agent's label wins over extra_labels
      assert.equal(labels.env, "ci");
      assert.equal(labels.Zone, "eu");
      // Per series, timestamps strictly increase in the order the receiver applied requests.
      const key = seriesKey(labels);
      assert.ok(!stale.has(key), `${key}: a sample after its stale marker`);
      assert.ok((last.get(key) ?? -Infinity) < s.timestampMs, `${key}: out of order`);
      last.set(key, s.timestampMs);
      if (isStaleMarker(s)) stale.set(key, s.timestampMs);
      samples++;
    }
  }
  assert.ok(
    samples > 100 && requests.length >= 5,
    `${samples} samples, ${requests.length} requests`,
  );
  // Every series ends with a stale marker, the first target's before the second's.
  assert.deepEqual([...stale.keys()].sort(), [...last.keys()].sort());
  const at = (t: string) => [...stale].filter(([k]) => k.includes(`target=${t}`)).map(([, v]) => v);
  assert.ok(at(removed).length >= 2 && at(kept).length >= 2);
  assert.ok(Math.max(...at(removed)) < Math.min(...at(kept)));
  // Metadata: HELP and TYPE (gauge = 2) of every pushed family, in requests of their own.
  const meta = proxy.requests.filter((r) => r.status === 204 && r.metadata.length);
  assert.ok(meta.length >= 1);
  assert.ok(meta.every((r) => r.series.length === 0));
  const byName = Object.fromEntries(meta[0]!.metadata.map((x) => [x.name, x]));
  assert.equal(byName.probe_success?.type, 2);
  assert.match(byName.probe_success?.help ?? "", /success/);
  assert.equal(byName.probe_duration_seconds?.unit, "seconds");
});
