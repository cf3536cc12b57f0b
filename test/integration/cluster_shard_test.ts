/**
 * Three real agent processes with `cluster: {members: 3}` share 1,000 loopback TCP targets: with
 * replication 1 their shares (from `/api/v1/targets` and `/metrics`) are disjoint and cover every
 * target; a reload to replication 2 re-shards so that exactly two agents probe each target, and a
 * real VictoriaMetrics (deduplication on) stores one series per target.
 */
import assert from "node:assert/strict";
import {
  type AgentProcess,
  metricValue,
  startAgentProcess,
  waitFor,
  writeConfig,
} from "../_support/agent_process.ts";
import { type TcpPeer, tcpPeer } from "../_support/tcp_servers.ts";
import { startVictoriaMetrics } from "../_support/vm_server.ts";
import { waitReady } from "../_support/sd_agent.ts";
import { tempDirUntilExit } from "../_support/temp_dir.ts";

const TARGETS = 1000;
const INTERVAL_S = 5;

interface TargetJson {
  address: string;
  cluster?: { owners: number[]; ours: boolean };
  probes: { probe: string; last_result: unknown }[];
}

function config(
  member: number,
  replication: number,
  addrs: string[],
  dir: string,
  push: string,
  members = 3,
) {
  return [
    "agent: {listen: 127.0.0.1:0, log: {level: info, format: text}, labels: {site: itest}}",
    `defaults: {interval: ${INTERVAL_S}s, timeout: 2s}`,
    "limits: {per_host_rate: 1000}",
    "probes:\n  tcp: {type: tcp}",
    `cluster: {members: ${members}, member: ${member}, replication: ${replication}}`,
    `targets:\n  - static: {targets: ${JSON.stringify(addrs)}}\n    probes: [tcp]`,
    `wal: {dir: ${dir}/wal, fsync: never}`,
    `push: {url: "${push}", min_backoff: 50ms, max_backoff: 1s}`,
    "",
  ].join("\n");
}

async function owned(agent: AgentProcess): Promise<TargetJson[]> {
  const r = await agent.get("/api/v1/targets");
  assert.equal(r.status, 200);
  return JSON.parse(r.text) as TargetJson[];
}

Deno.test({
  name:
    "3 agents with members: 3 share 1,000 targets: disjoint and covering (R=1), two each (R=2), a leaving member's share taken over",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using vm = await startVictoriaMetrics({
      extraArgs: [`-dedup.minScrapeInterval=${INTERVAL_S}s`],
    });
    const peers: TcpPeer[] = [];
    for (let i = 0; i < TARGETS; i++) {
      peers.push(tcpPeer(undefined, `127.0.${10 + Math.floor(i / 250)}.${(i % 250) + 1}`));
    }
    const addrs = peers.map((p) => `${p.hostname}:${p.port}`);
    const agents: AgentProcess[] = [];
    const paths: string[] = [];
    try {
      for (const member of [0, 1, 2]) {
        const dir = await tempDirUntilExit({ prefix: "vmprober-cluster-" });
        const path = await writeConfig(config(member, 1, addrs, dir, vm.writeUrl), dir);
        paths.push(path);
        agents.push(await startAgentProcess(path));
      }
      // The first target list is applied (in slices) before /readyz answers 200.
      for (const a of agents) await waitReady(a);
      // R = 1: each target is ours on exactly one agent, and that agent's index is its owner.
      const views = await Promise.all(agents.map(owned));
      const ours = views.map((v) => v.filter((t) => t.cluster!.ours).map((t) => t.address));
      for (const [m, v] of views.entries()) {
        assert.equal(v.length, TARGETS, "every agent lists every target");
        for (const t of v) assert.equal(t.cluster!.ours, t.cluster!.owners.includes(m));
      }
      assert.equal(ours.flat().length, TARGETS, `shares ${ours.map((o) => o.length)}`);
      assert.deepEqual(new Set(ours.flat()), new Set(addrs));
      for (const [m, a] of agents.entries()) {
        const text = await a.metrics();
        assert.equal(
          metricValue(text, "vmprober_cluster_jobs", { state: "kept" }),
          ours[m]!.length,
        );
        assert.equal(
          metricValue(text, "vmprober_cluster_jobs", { state: "skipped" }),
          TARGETS - ours[m]!.length,
        );
        assert.equal(metricValue(text, "vmprober_scheduler_jobs"), ours[m]!.length);
        assert.ok(ours[m]!.length > 250 && ours[m]!.length < 420, `share ${ours[m]!.length}`);
      }

      // Reload to R = 2: every target on exactly two agents.
      for (const [m, a] of agents.entries()) {
        const dir = paths[m]!.slice(0, paths[m]!.lastIndexOf("/"));
        await Deno.writeTextFile(paths[m]!, config(m, 2, addrs, dir, vm.writeUrl));
        const r = await fetch(`${a.url}/-/reload`, { method: "POST" });
        assert.equal(r.status, 200, await r.text());
      }
      const after = await Promise.all(agents.map(owned));
      const count = new Map<string, number>();
      for (const v of after) {
        for (const t of v) {
          if (t.cluster!.ours) count.set(t.address, (count.get(t.address) ?? 0) + 1);
        }
      }
      assert.equal(count.size, TARGETS);
      assert.deepEqual(new Set(count.values()), new Set([2]));

      // Wait until every agent has probed each of its targets at least once since the reload,
      // then VictoriaMetrics holds one probe_success series per target, with no member label.
      await waitFor("two rounds of probes on every agent", async () => {
        for (const a of agents) {
          const v = await owned(a);
          if (v.some((t) => t.cluster!.ours && t.probes[0]!.last_result === null)) return undefined;
        }
        return true;
      }, 60_000);
      const series = await waitFor("1,000 series in VictoriaMetrics", async () => {
        const s = await vm.exportSeries('{__name__="probe_success"}');
        return s.length >= TARGETS ? s : undefined;
      }, 30_000);
      assert.equal(series.length, TARGETS);
      assert.deepEqual(new Set(series.map((s) => s.metric.target)), new Set(addrs));
      for (const s of series) {
        assert.deepEqual(Object.keys(s.metric).sort(), [
          "__name__",
          "instance",
          "job",
          "probe",
          "site",
          "target",
          "type",
        ]);
      }
      // Member 2 leaves: the other two reload with members: 2 and take over its share, disjoint
      // and covering again.
      await agents[2]!.stop();
      for (const m of [0, 1]) {
        const dir = paths[m]!.slice(0, paths[m]!.lastIndexOf("/"));
        await Deno.writeTextFile(paths[m]!, config(m, 1, addrs, dir, vm.writeUrl, 2));
        const r = await fetch(`${agents[m]!.url}/-/reload`, { method: "POST" });
        assert.equal(r.status, 200, await r.text());
      }
      const two = await Promise.all(agents.slice(0, 2).map(owned));
      const left = two.map((v) => v.filter((t) => t.cluster!.ours).map((t) => t.address));
      assert.equal(left.flat().length, TARGETS, `shares ${left.map((o) => o.length)}`);
      assert.deepEqual(new Set(left.flat()), new Set(addrs));
      for (const [m, share] of left.entries()) {
        // A target member m owned with 3 members stays with it: only member 2's share moved.
        for (const a of ours[m]!) assert.ok(share.includes(a), `${a} left member ${m}`);
      }

      // Both owners push every sample of a series, at nearly the same time (the phase is a hash
      // of the job): VictoriaMetrics received about twice what deduplication keeps.
      for (const a of agents) await a.stop();
      const received = await vm.rowsReceived();
      const all = await vm.exportSeries('{__name__=~".+",target!=""}');
      const stored = all.reduce((n, s) => n + s.values.length, 0);
      console.log(`samples received ${received}, stored after dedup ${stored}`);
      assert.ok(stored < received, `stored ${stored} of ${received} received`);
    } finally {
      for (const a of agents) await a.stop();
      for (const p of peers) await p[Symbol.asyncDispose]();
    }
  },
});
