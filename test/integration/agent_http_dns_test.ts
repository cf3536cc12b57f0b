/**
 * The real agent with http and dns modules: target names resolved by our own DNS client from a
 * loopback DNS server (one query per TTL however many probes), blackbox's metrics in /metrics,
 * and the page passes promtool.
 */
import assert from "node:assert/strict";
import { metricValue, startAgentProcess, waitFor, writeConfig } from "../_support/agent_process.ts";
import { startHttpServer } from "../_support/http_servers.ts";
import { a, soa, startDnsResponder } from "../_support/dns_responder.ts";
import { promtoolCheck } from "../_support/exposition_check.ts";

Deno.test("agent run: http and dns modules through our resolver, with blackbox's metrics", async () => {
  await using web = startHttpServer();
  await using dns = startDnsResponder({
    "web.test A": { answers: [a("web.test", "127.0.0.1", 300)] },
    "web.test AAAA": { answers: [], authorities: [soa("test", 300)] },
    "example.test SOA": { answers: [soa("example.test", 60, 2026120109)] },
  });
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/hosts`, "");
  const config = await writeConfig(`
agent: {listen: "127.0.0.1:0", log: {format: json}}
defaults: {interval: 200ms, timeout: 1s}
dns: {servers: ["127.0.0.1:${dns.port}"], hosts_file: ${dir}/hosts}
probes:
  http_2xx: {type: http, fail_if_body_not_matches_regexp: ["hello"]}
  soa: {type: dns, query_name: example.test, query_type: SOA}
targets:
  - static: {targets: ["http://web.test:${web.port}/ok", "http://web.test:${web.port}/404"]}
    probes: [http_2xx]
  - static: {targets: ["127.0.0.1:${dns.port}"]}
    probes: [soa]
wal: {dir: ${dir}/wal}
`);
  await using agent = await startAgentProcess(config);
  const text = await waitFor("five results per job", async () => {
    const m = await agent.metrics();
    const counts = m.split("\n").filter((l) =>
      l.startsWith("vmprober_probe_duration_seconds_count")
    );
    return counts.length === 3 && counts.every((l) => Number(l.split(" ")[1]) >= 5) ? m : undefined;
  });
  const ok = { probe: "http_2xx", target: `http://web.test:${web.port}/ok` };
  const nf = { probe: "http_2xx", target: `http://web.test:${web.port}/404` };
  assert.equal(metricValue(text, "probe_success", ok), 1);
  assert.equal(metricValue(text, "probe_http_status_code", ok), 200);
  assert.equal(metricValue(text, "probe_success", nf), 0);
  assert.equal(metricValue(text, "probe_http_status_code", nf), 404);
  assert.equal(
    metricValue(text, "probe_http_duration_seconds", { ...ok, phase: "transfer" }) !== undefined,
    true,
  );
  const soaJob = { probe: "soa", target: `127.0.0.1:${dns.port}` };
  assert.equal(metricValue(text, "probe_success", soaJob), 1);
  assert.equal(metricValue(text, "probe_dns_serial", soaJob), 2026120109);
  // Ten http probes or more on one name with a 300 s TTL: one A and one AAAA query in all.
  assert.equal(dns.count("web.test A"), 1);
  assert.equal(dns.count("web.test AAAA"), 1);
  assert.equal(metricValue(text, "vmprober_dns_cache_requests_total", { result: "miss" }), 2);
  assert.ok(metricValue(text, "vmprober_dns_cache_requests_total", { result: "hit" })! >= 18);
  // The two lookups plus every SOA probe's query (one may be in flight at the scrape).
  const soaRuns = metricValue(text, "vmprober_probe_duration_seconds_count", soaJob)!;
  const noerror = metricValue(text, "vmprober_dns_queries_total", { rcode: "NOERROR" })!;
  assert.ok(noerror >= 2 + soaRuns && noerror <= 3 + soaRuns, `${noerror} vs ${soaRuns} runs`);

  const out = await promtoolCheck(text);
  assert.equal(out.report, "");
  await Deno.remove(dir, { recursive: true });
});
