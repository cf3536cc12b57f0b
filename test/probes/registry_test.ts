import assert from "node:assert/strict";
import { Registry } from "../../src/base/prom.ts";
import { createResolver } from "../../src/net/resolver.ts";
import { createProbes } from "../../src/probes/registry.ts";

Deno.test("createProbes() makes each probe on first use: no ICMP helper or UDP pool for a TCP-only agent", async () => {
  const registry = new Registry();
  await using probes = createProbes({ resolver: createResolver(), registry });
  const icmp = () => registry.getSingleMetric("vmprober_icmp_helper_info");
  const udp = () => registry.getSingleMetric("vmprober_udp_replies_ignored_total");

  assert.equal(probes.get("tcp")?.type, "tcp");
  assert.equal(icmp(), undefined, "asking for tcp opened no ICMP helper");
  assert.equal(udp(), undefined, "asking for tcp made no UDP probe");

  const first = probes.get("icmp");
  assert.equal(first?.type, "icmp");
  assert.notEqual(icmp(), undefined, "the ICMP probe registers its helper metric when made");
  assert.equal(probes.get("icmp"), first, "made once, then the same probe");

  assert.equal(probes.get("udp")?.type, "udp");
  assert.notEqual(udp(), undefined);
});
