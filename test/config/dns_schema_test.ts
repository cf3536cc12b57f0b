import assert from "node:assert/strict";
import { parseConfig } from "../../src/config/parse.ts";
import { problems } from "../_support/config_problems.ts";

Deno.test("parseConfig() accepts a dns module and the dns section", () => {
  const c = parseConfig(
    `dns: {servers: ["127.0.0.1:5353", "[::1]"], min_ttl: 1s, max_ttl: 10m, negative_ttl: 2s}
probes:
  soa:
    type: dns
    query_name: example.com
    query_type: SOA
    transport: tcp
    valid_rcodes: [NOERROR, NXDOMAIN]
    validate_answer_rrs: {fail_if_not_matches_regexp: ["IN\\tSOA"]}
`,
    "c.yaml",
  );
  assert.equal(c.dns.min_ttl, 1000);
  assert.equal(c.probes.soa?.type === "dns" && c.probes.soa.query_type, "SOA");
});

Deno.test("parseConfig() names file:line:col for every bad dns and dns-section key", () => {
  assert.deepEqual(
    problems(`probes:
  d:
    type: dns
    query_type: AXFR
    transport: quic
    valid_rcodes: [OK]
    validate_answer_rrs: {fail_if_matches: ["x"]}
    dns_server: ns1.example
dns: {servers: [], min_ttl: soon}
`),
    [
      'c.yaml:4:17: probes.d.query_type: expected one of A, AAAA, CNAME, MX, NS, PTR, SOA, SRV, TXT, CAA, ANY, got "AXFR"',
      'c.yaml:5:16: probes.d.transport: expected one of udp, tcp, got "quic"',
      'c.yaml:6:20: probes.d.valid_rcodes.0: expected one of NOERROR, FORMERR, SERVFAIL, NXDOMAIN, NOTIMP, REFUSED, YXDOMAIN, YXRRSET, NXRRSET, NOTAUTH, NOTZONE, got "OK"',
      'c.yaml:7:27: probes.d.validate_answer_rrs.fail_if_matches: unknown key "fail_if_matches"',
      'c.yaml:8:17: probes.d.dns_server: expected a name server like "10.0.0.2" or "[::1]:5353", got "ns1.example" (expected an IP address, not a name)',
      "c.yaml:9:16: dns.servers: expected at least 1 item, got 0",
      'c.yaml:9:29: dns.min_ttl: expected a duration like "5s", got "soon"',
    ],
  );
});
