import assert from "node:assert/strict";
import { runCli } from "../cli/_cli.ts";
import { startHttpServer } from "../_support/http_servers.ts";
import { startDnsResponder } from "../_support/dns_responder.ts";

/** `vmprober probe ARGS…` from source (killed after 15 s, so a hang fails the test). */
const cli = (...args: string[]) => runCli(["probe", ...args]);

Deno.test("probe http: --json with blackbox's metrics; a 404 is exit 2 with the reason", async () => {
  await using s = startHttpServer();
  const ok = await cli("http", `${s.url}/redirect/2`, "--json");
  assert.equal(ok.code, 0, ok.stderr);
  const r = JSON.parse(ok.stdout);
  assert.equal(r.success, true);
  assert.equal(r.metrics.probe_http_status_code, 200);
  assert.equal(r.metrics.probe_http_redirects, 2);
  assert.equal(typeof r.metrics['probe_http_duration_seconds{phase="connect"}'], "number");
  const nf = await cli("http", `${s.url}/404`);
  assert.equal(nf.code, 2);
  assert.match(
    nf.stdout,
    /^http http:\/\/127\.0\.0\.1:\d+\/404: FAILED \(mismatch\) after [\d.]+ ms: status 404, expected 2xx\n/,
  );
  assert.match(nf.stdout, /\n {2}probe_http_status_code 404\n/);
  const allowed = await cli("http", `127.0.0.1:${s.port}`, "--status", "404");
  assert.equal(allowed.code, 0, allowed.stdout);
  const bad = await cli("http", "http://user:pw@127.0.0.1/");
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /credentials in the URL \(use basic_auth\)/);
});

Deno.test("probe dns: asks SERVER for --name/--type; NXDOMAIN is exit 2", async () => {
  await using dns = startDnsResponder({
    "example.test MX": {
      answers: [{
        type: "MX",
        name: "example.test",
        ttl: 60,
        data: { preference: 10, exchange: "mx.example.test" },
      }],
    },
    "gone.test A": { rcode: "NXDOMAIN" },
  });
  const ok = await cli("dns", `127.0.0.1:${dns.port}`, "--name", "example.test", "--type", "mx");
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /\n {2}probe_dns_answer_rrs 1\n/);
  const nx = await cli("dns", `127.0.0.1:${dns.port}`, "--name", "gone.test", "--json");
  assert.equal(nx.code, 2);
  assert.equal(JSON.parse(nx.stdout).detail, "rcode NXDOMAIN is not one of NOERROR");
  const tcp = await cli(
    "dns",
    `127.0.0.1:${dns.port}`,
    "--name",
    "example.test",
    "--type",
    "MX",
    "--tcp",
  );
  assert.equal(tcp.code, 0);
  assert.deepEqual(dns.log.map((l) => l.split(" ")[0]), ["udp", "udp", "tcp"]);
  const noName = await cli("dns", "127.0.0.1");
  assert.equal(noName.code, 1);
  assert.match(noName.stderr, /dns needs the name to ask: --name NAME/);
});
