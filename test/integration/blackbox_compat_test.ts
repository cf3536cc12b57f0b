/**
 * blackbox_exporter compatibility against the real servers (Debian's prometheus,
 * prometheus-blackbox-exporter, victoria-metrics), all on loopback:
 * - Prometheus scrapes the agent's /metrics with `honor_labels: true` and its /probe with the
 *   blackbox relabeling recipe;
 * - the agent pushes to VictoriaMetrics;
 * - the blackbox-exporter-mixin and grafana.com 7587 dashboard queries give one series per target,
 *   labelled as blackbox's, on both;
 * - blackbox_exporter and our /probe on the same targets and modules give the same probe_success,
 *   metric names and label names.
 */
import assert from "node:assert/strict";
import {
  type AgentProcess,
  startAgentProcess,
  waitFor,
  writeConfig,
} from "../_support/agent_process.ts";
import { startVictoriaMetrics } from "../_support/vm_server.ts";
import { closedPort, tcpPeer } from "../_support/tcp_servers.ts";
import {
  parseExposition,
  queryApi,
  startBlackbox,
  startPrometheus,
} from "../_support/prom_servers.ts";
import { selfSignedCert } from "../_support/self_signed_cert.ts";
import { promtoolCheck } from "../_support/exposition_check.ts";

/** A TLS listener on loopback with a fresh self-signed certificate valid for `days`. */
async function tlsPeer(days: number): Promise<{ port: number } & AsyncDisposable> {
  const { cert, key, dir } = await selfSignedCert(days);
  await Deno.remove(dir, { recursive: true });
  const listener = Deno.listenTls({ hostname: "127.0.0.1", port: 0, cert, key });
  const serving = (async () => {
    for await (const conn of listener) {
      conn.handshake().catch(() => {}).finally(() => setTimeout(() => conn.close(), 200));
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    async [Symbol.asyncDispose]() {
      listener.close();
      await serving;
    },
  };
}

const names = (text: string) =>
  [...new Set(parseExposition(text).map((s) => `${s.name}{${Object.keys(s.labels).sort()}}`))]
    .sort();

/**
 * Differences between blackbox_exporter's and our /probe bodies we make on purpose. None today
 * for tcp_connect and icmp: both list the same names with the same label names.
 */
const INTENTIONAL_DIFFERENCES: string[] = [];

Deno.test({
  name:
    "blackbox compatibility: Prometheus, VictoriaMetrics, dashboards and blackbox_exporter agree",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await using tcp = tcpPeer(() => {});
    await using tls = await tlsPeer(30);
    await using vm = await startVictoriaMetrics();
    const walDir = await Deno.makeTempDir({ prefix: "vmprober_bbc_wal_" });
    const tcpTarget = `127.0.0.1:${tcp.port}`;
    const tlsTarget = `127.0.0.1:${tls.port}`;
    const icmpTargets = ["127.0.0.1", "127.0.0.2"];
    const path = await writeConfig(`
agent: {listen: "127.0.0.1:0", labels: {site: fra1}, log: {level: info, format: json}}
defaults: {interval: 500ms, timeout: 400ms}
probes:
  tcp_connect: {type: tcp}
  tls_connect: {type: tcp, tls: true, tls_insecure_skip_verify: true, job: blackbox_tls}
  icmp: {type: icmp, count: 1, ip_protocol: ip4}
targets:
  - static: {targets: ["${tcpTarget}"]}
    probes: [tcp_connect]
  - static: {targets: ["${tlsTarget}"]}
    probes: [tls_connect]
  - static: {targets: ${JSON.stringify(icmpTargets)}}
    probes: [icmp]
wal: {dir: ${walDir}, fsync: never}
push: {url: ${vm.writeUrl}, min_backoff: 50ms}
`);
    await using agent: AgentProcess = await startAgentProcess(path);
    const agentAddress = new URL(agent.url).host;
    await using prom = await startPrometheus(`
global: {scrape_interval: 1s, scrape_timeout: 900ms}
scrape_configs:
  - job_name: vmprober
    honor_labels: true
    static_configs: [{targets: ["${agentAddress}"]}]
  - job_name: blackbox_icmp
    metrics_path: /probe
    params: {module: [icmp]}
    static_configs: [{targets: ["127.0.0.3"]}]
    relabel_configs:
      - {source_labels: [__address__], target_label: __param_target}
      - {source_labels: [__param_target], target_label: instance}
      - {target_label: __address__, replacement: "${agentAddress}"}
`);
    const scraped = queryApi(prom.base);
    const pushed = {
      ...queryApi(vm.base),
      query: async (q: string) => {
        await vm.flush();
        return await queryApi(vm.base).query(q);
      },
    };

    // Scraped with honor_labels: up 1, our instance and job win over the scrape's.
    await waitFor("Prometheus scraped the agent", async () => {
      const up = await scraped.query('up{job="vmprober"}');
      return up[0]?.value[1] === "1" ? true : undefined;
    }, 20_000);
    const tcpSeries = await waitFor("the tcp series in Prometheus", async () => {
      const r = await scraped.query(`probe_success{instance="${tcpTarget}"}`);
      return r.length ? r : undefined;
    }, 20_000);
    assert.equal(tcpSeries.length, 1);
    assert.equal(tcpSeries[0]!.metric.job, "tcp_connect");
    assert.equal(tcpSeries[0]!.metric.target, tcpTarget);
    assert.equal(tcpSeries[0]!.metric.site, "fra1");
    assert.equal(tcpSeries[0]!.value[1], "1");

    // /probe scraped with the blackbox relabeling recipe: only the address changed.
    const viaProbe = await waitFor("the /probe scrape", async () => {
      const r = await scraped.query('probe_success{job="blackbox_icmp"}');
      return r.length ? r : undefined;
    }, 20_000);
    assert.deepEqual(viaProbe.map((s) => [s.metric.instance, s.value[1]]), [["127.0.0.3", "1"]]);
    assert.equal((await scraped.query('up{job="blackbox_icmp"}'))[0]?.value[1], "1");

    // Pushed data in VictoriaMetrics.
    await waitFor("pushed series in VictoriaMetrics", async () => {
      const r = await pushed.query(`probe_success{instance="${tlsTarget}"}`);
      return r.length ? r : undefined;
    }, 20_000);

    const ours = [tcpTarget, tlsTarget, ...icmpTargets];
    const target = ours.map((t) => t.replaceAll(".", "\\\\.")).join("|");
    for (const [where, api] of [["scraped", scraped], ["pushed", pushed]] as const) {
      const q = (query: string) => api.query(query);
      // Dashboard variable: label_values(probe_success, instance).
      const instances = await api.labelValues("instance", "probe_success");
      for (const t of ours) assert.ok(instances.includes(t), `${where}: ${t} in ${instances}`);
      // probe_success{instance=~"$target"}: one series per target, labelled as blackbox's.
      const success = await q(`probe_success{instance=~"${target}"}`);
      assert.deepEqual(success.map((s) => s.metric.instance).sort(), [...ours].sort(), where);
      for (const s of success) {
        assert.equal(s.value[1], "1", `${where}: ${JSON.stringify(s.metric)}`);
        assert.ok(s.metric.job, `${where}: job on ${s.metric.instance}`);
      }
      const tlsJob = success.find((s) => s.metric.instance === tlsTarget)!.metric.job;
      assert.equal(tlsJob, "blackbox_tls", `${where}: the module's job`);
      // avg by(phase)(probe_icmp_duration_seconds): resolve, setup, rtt.
      const phases = await q(`avg by(phase)(probe_icmp_duration_seconds{instance=~"${target}"})`);
      assert.deepEqual(
        phases.map((s) => s.metric.phase).sort(),
        ["resolve", "rtt", "setup"],
        where,
      );
      // probe_dns_lookup_time_seconds, probe_duration_seconds, probe_ip_protocol: one per target.
      for (
        const name of [
          "probe_dns_lookup_time_seconds",
          "probe_duration_seconds",
          "probe_ip_protocol",
          "probe_ip_addr_hash",
        ]
      ) {
        const r = await q(`${name}{instance=~"${target}"}`);
        assert.deepEqual(
          r.map((s) => s.metric.instance).sort(),
          [...ours].sort(),
          `${where}: ${name}`,
        );
      }
      // min by(instance)(probe_ssl_earliest_cert_expiry - time()): ~30 days for the TLS target.
      const expiry = await q(
        `min by(instance)(probe_ssl_earliest_cert_expiry{instance=~"${target}"} - time())`,
      );
      assert.equal(expiry.length, 1, where);
      assert.equal(expiry[0]!.metric.instance, tlsTarget);
      const days = Number(expiry[0]!.value[1]) / 86400;
      assert.ok(days > 29 && days < 31, `${where}: ${days} days`);
      const version = await q(`probe_tls_version_info{instance=~"${target}"}`);
      assert.equal(version.length, 1, where);
      assert.match(version[0]!.metric.version!, /^TLS 1\.[23]$/);
      const hop = await q(`probe_icmp_reply_hop_limit{instance=~"${target}"}`);
      assert.deepEqual(hop.map((s) => s.value[1]), ["64", "64"], `${where}: hop limit`);
    }

    // Every family of every probe type (TCP, TLS, ICMP) passes promtool, in /metrics and /probe.
    const page = await agent.metrics();
    for (
      const family of [
        "probe_ssl_last_chain_info",
        "probe_icmp_reply_hop_limit",
        "probe_tls_version_info",
      ]
    ) {
      assert.ok(page.includes(`\n${family}{`), `${family} in /metrics`);
    }
    assert.deepEqual(await promtoolCheck(page), { code: 0, report: "" });

    // blackbox_exporter and our /probe, same targets and modules.
    await using blackbox = await startBlackbox(`
modules:
  tcp_connect: {prober: tcp, timeout: 2s, tcp: {preferred_ip_protocol: ip4}}
  icmp: {prober: icmp, timeout: 2s, icmp: {preferred_ip_protocol: ip4}}
`);
    const closed = closedPort();
    for (
      const [module, t] of [
        ["tcp_connect", tcpTarget],
        ["tcp_connect", `127.0.0.1:${closed}`],
        ["icmp", "127.0.0.1"],
      ]
    ) {
      const path = `/probe?module=${module}&target=${encodeURIComponent(t!)}`;
      const theirs = await (await fetch(blackbox.base + path)).text();
      const mine = await agent.get(path);
      assert.equal(mine.status, 200, mine.text);
      assert.deepEqual(await promtoolCheck(mine.text), { code: 0, report: "" }, path);
      const value = (text: string, name: string) =>
        parseExposition(text).find((s) => s.name === name)?.value;
      assert.equal(
        value(mine.text, "probe_success"),
        value(theirs, "probe_success"),
        `${module} ${t}`,
      );
      assert.equal(value(mine.text, "probe_ip_addr_hash"), value(theirs, "probe_ip_addr_hash"));
      assert.equal(value(mine.text, "probe_ip_protocol"), value(theirs, "probe_ip_protocol"));
      const diff = [
        ...names(mine.text).filter((n) => !names(theirs).includes(n)).map((n) => `ours only: ${n}`),
        ...names(theirs).filter((n) => !names(mine.text).includes(n)).map((n) =>
          `theirs only: ${n}`
        ),
      ];
      assert.deepEqual(
        diff,
        INTENTIONAL_DIFFERENCES,
        `${module} ${t}:\n${mine.text}\n---\n${theirs}`,
      );
    }
    await Deno.remove(walDir, { recursive: true });
  },
});
