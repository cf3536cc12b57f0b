/**
 * The real agent with http and dns modules pushing to a real VictoriaMetrics: blackbox's per-type
 * metrics arrive like every other series, with their phase labels and the probe's own timestamps.
 */
import assert from "node:assert/strict";
import { startAgentProcess, writeConfig } from "../_support/agent_process.ts";
import { startVictoriaMetrics } from "../_support/vm_server.ts";
import { startHttpServer } from "../_support/http_servers.ts";
import { a, startDnsResponder } from "../_support/dns_responder.ts";

Deno.test("agent push: http and dns metrics reach VictoriaMetrics", async () => {
  await using vm = await startVictoriaMetrics();
  await using web = startHttpServer();
  await using dns = startDnsResponder({
    "example.test A": { answers: [a("example.test", "10.0.0.1")] },
  });
  const dir = await Deno.makeTempDir();
  const config = await writeConfig(`
agent: {listen: "127.0.0.1:0", labels: {site: itest}}
defaults: {interval: 200ms, timeout: 1s}
probes:
  http_2xx: {type: http}
  dns_a: {type: dns, query_name: example.test, query_type: A}
targets:
  - static: {targets: ["${web.url}/ok"]}
    probes: [http_2xx]
  - static: {targets: ["127.0.0.1:${dns.port}"]}
    probes: [dns_a]
wal: {dir: ${dir}/wal, fsync: never}
push: {url: "${vm.writeUrl}", min_backoff: 50ms, max_backoff: 200ms}
`);
  {
    await using _agent = await startAgentProcess(config);
    const status = await vm.waitForSamples('{__name__="probe_http_status_code"}', 3);
    assert.equal(status.length, 1);
    assert.equal(status[0]!.metric.site, "itest");
    assert.equal(status[0]!.metric.target, `${web.url}/ok`);
    assert.ok(status[0]!.values.every((v) => v === 200));
    const phases = await vm.waitForSamples('{__name__="probe_http_duration_seconds"}', 15);
    assert.deepEqual(
      phases.map((s) => s.metric.phase).sort(),
      ["connect", "processing", "resolve", "tls", "transfer"],
    );
    const answers = await vm.waitForSamples('{__name__="probe_dns_answer_rrs"}', 3);
    assert.equal(answers[0]!.metric.probe, "dns_a");
    assert.ok(answers[0]!.values.every((v) => v === 1));
    // Each gauge sample carries the probe's own timestamp: the same as its probe_success.
    const success = await vm.exportSeries('{__name__="probe_success",probe="http_2xx"}');
    const ts = new Set(success[0]!.timestamps);
    assert.ok(status[0]!.timestamps.every((t) => ts.has(t)));
  }
  await Deno.remove(dir, { recursive: true });
});
