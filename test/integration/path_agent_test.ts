/**
 * The real agent with a `type: path` module over a namespace chain, pushing to a real
 * VictoriaMetrics: the hop series arrive like every other series, a route switch shows in
 * `vmprober_path_changes_total` and in the hop series, and `/metrics` passes promtool.
 */
import assert from "node:assert/strict";
import { metricValue, startAgentProcess, waitFor, writeConfig } from "../_support/agent_process.ts";
import { startVictoriaMetrics } from "../_support/vm_server.ts";
import { createNetnsChain } from "../_support/netns_chain.ts";
import { promtoolCheck } from "../_support/exposition_check.ts";
import { tempDir } from "../_support/temp_dir.ts";

Deno.test("agent push: path hops, per-hop series and route changes reach VictoriaMetrics and /metrics", async () => {
  await using chain = await createNetnsChain();
  await using vm = await startVictoriaMetrics();
  const ip = chain.targets[0]!.ip4;
  const [r1, r2] = chain.routers;
  await using tmp = await tempDir();
  const dir = tmp.path;
  const config = await writeConfig(`
agent: {listen: "127.0.0.1:0", labels: {site: itest}, log: {format: text}}
defaults: {interval: 300ms, timeout: 250ms}
probes:
  mtr: {type: path, count: 3, packet_interval: 10ms, max_hops: 8}
targets:
  - static: {targets: ["${ip}"]}
    probes: [mtr]
wal: {dir: ${dir}/wal, fsync: never}
push: {url: "${vm.writeUrl}", min_backoff: 50ms, max_backoff: 200ms}
`);
  {
    await using agent = await startAgentProcess(config);
    const hops = await vm.waitForSamples('{__name__="vmprober_path_hops"}', 3);
    assert.equal(hops[0]!.metric.target, ip);
    assert.equal(hops[0]!.metric.site, "itest");
    assert.ok(hops[0]!.values.every((v) => v === 3), String(hops[0]!.values));
    const medians = await vm.waitForSamples(
      '{__name__="vmprober_path_hop_rtt_seconds",stat="median"}',
      9,
    );
    assert.deepEqual(
      medians.map((s) => [s.metric.hop, s.metric.address]).sort(),
      [["1", r1!.ip4], ["2", r2!.ip4], ["3", ip]],
    );
    const success = await vm.waitForSamples('{__name__="probe_success",probe="mtr"}', 3);
    assert.ok(success[0]!.values.every((v) => v === 1));

    await chain.switchRoute("alternate");
    const changed = await waitFor("one change in /metrics", async () => {
      const text = await agent.metrics();
      return metricValue(text, "vmprober_path_changes_total") === 1 &&
          text.includes(`address="${chain.alternate!.ip4}",hop="2"`)
        ? text
        : undefined;
    }, 10_000);
    // The old hop 2 left /metrics with the run that no longer saw it.
    assert.ok(!changed.includes(`address="${r2!.ip4}"`));
    assert.match(changed, /^# TYPE vmprober_path_changes_total counter$/m);
    const lint = await promtoolCheck(changed);
    assert.equal(lint.code, 0, lint.report);
    const total = await vm.waitForSamples('{__name__="vmprober_path_changes_total"}', 1);
    await waitFor("changes_total 1 in VictoriaMetrics", async () => {
      const s = await vm.exportSeries('{__name__="vmprober_path_changes_total"}');
      return s[0]?.values.includes(1) ? true : undefined;
    }, 10_000);
    assert.equal(total[0]!.metric.probe, "mtr");

    // blackbox's /probe runs the module once, now, and answers its series.
    const once = await agent.get(`/probe?module=mtr&target=${ip}`);
    assert.equal(once.status, 200, once.text);
    assert.match(once.text, /^probe_success 1$/m);
    assert.match(once.text, /^vmprober_path_hops 3$/m);
    assert.match(
      once.text,
      new RegExp(
        `^vmprober_path_hop_loss_ratio\{address="${ip.replaceAll(".", "\\.")}",hop="3"\} 0$`,
        "m",
      ),
    );
  }
});
