import assert from "node:assert/strict";
import { Registry } from "../../../src/base/prom.ts";
import { registerDnsMetrics } from "../../../src/net/dns/dns_metrics.ts";
import { createDnsClient } from "../../../src/net/dns/dns_client.ts";
import { createResolver } from "../../../src/net/resolver.ts";
import { createSystemLookup } from "../../../src/net/dns/system_lookup.ts";
import { a, startDnsResponder } from "../../_support/dns_responder.ts";

Deno.test("registerDnsMetrics() counts queries by rcode, cache hits and misses, forged replies", async () => {
  await using dns = startDnsResponder({
    "db.test A": { forge: "wrong_id", answers: [a("db.test", "10.0.0.5")] },
    "db.test AAAA": { forge: "wrong_source", rcode: "NXDOMAIN" },
  });
  const registry = new Registry();
  const hooks = registerDnsMetrics(registry);
  const before = await registry.metrics();
  assert.match(before, /^vmprober_dns_replies_ignored_total\{reason="wrong_id"\} 0$/m);
  const client = createDnsClient({ hooks });
  const lookup = createSystemLookup({
    client,
    readTextFile: () => Promise.resolve("options timeout:1 attempts:1"),
    servers: [{ ip: "127.0.0.1", port: dns.port, family: 4 }],
  });
  const resolver = createResolver({ lookup, hooks });
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(await resolver.resolve("db.test", "auto"), { ip: "10.0.0.5", family: 4 });
  }
  // resolve() returns with the A answer; the AAAA one (NXDOMAIN, after a forged reply) may still
  // be on its way under load: wait for it, at most 2 s.
  let text = await registry.metrics();
  for (let i = 0; i < 100 && !text.includes('{rcode="NXDOMAIN"} 1'); i++) {
    await new Promise((r) => setTimeout(r, 20));
    text = await registry.metrics();
  }
  for (
    const line of [
      'vmprober_dns_replies_ignored_total{reason="wrong_id"} 1',
      'vmprober_dns_replies_ignored_total{reason="wrong_source"} 1',
      'vmprober_dns_queries_total{rcode="NOERROR"} 1',
      'vmprober_dns_queries_total{rcode="NXDOMAIN"} 1',
      'vmprober_dns_cache_requests_total{result="miss"} 2',
      'vmprober_dns_cache_requests_total{result="hit"} 4',
    ]
  ) assert.ok(text.includes(line), `${line} in\n${text}`);
});
