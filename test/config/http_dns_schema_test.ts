import assert from "node:assert/strict";
import { parseConfig } from "../../src/config/parse.ts";
import { problems } from "../_support/config_problems.ts";

Deno.test("parseConfig() accepts http and dns modules, URL targets and the dns section", () => {
  const c = parseConfig(
    `dns: {servers: ["127.0.0.1:5353", "[::1]"], min_ttl: 1s, max_ttl: 10m, negative_ttl: 2s}
probes:
  web:
    type: http
    method: POST
    headers: {X-A: b}
    valid_status_codes: [200, 301]
    fail_if_body_matches_regexp: ["(?i)error"]
    fail_if_header_not_matches: [{header: Content-Type, regexp: "^text/", allow_missing: true}]
    body_size_limit: 1MiB
    basic_auth: {username: u, password_file: /etc/pw}
    tls: {ca_file: /etc/ca.pem, server_name: web.example}
    dns_server: 10.0.0.2
  soa:
    type: dns
    query_name: example.com
    query_type: SOA
    transport: tcp
    valid_rcodes: [NOERROR, NXDOMAIN]
    validate_answer_rrs: {fail_if_not_matches_regexp: ["IN\\tSOA"]}
targets:
  - static: {targets: ["https://web.example/health", "10.0.0.1:8080"]}
    probes: [web]
`,
    "c.yaml",
  );
  assert.equal(c.dns.min_ttl, 1000);
  assert.equal(c.probes.web?.type, "http");
  assert.equal(c.probes.soa?.type === "dns" && c.probes.soa.query_type, "SOA");
});

Deno.test("parseConfig() names file:line:col for every bad http, dns and dns-section key", () => {
  assert.deepEqual(
    problems(`probes:
  web:
    type: http
    method: get
    valid_status_codes: [99]
    fail_if_body_matches_regexp: ["(?=x)"]
    headers: {"Bad Name": x}
    body_size_limit: lots
    tls: {ca: /x}
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
      'c.yaml:4:13: probes.web.method: expected an HTTP method like "GET", got "get"',
      "c.yaml:5:26: probes.web.valid_status_codes.0: expected a number >= 100, got 99",
      'c.yaml:6:35: probes.web.fail_if_body_matches_regexp.0: expected an RE2 regular expression, got "(?=x)" (invalid or unsupported Perl syntax: `(?=`; RE2 has no lookahead or lookbehind)',
      'c.yaml:7:15: probes.web.headers.Bad Name: expected an HTTP header name, got "Bad Name"',
      'c.yaml:8:22: probes.web.body_size_limit: expected a size like "64MiB", got "lots"',
      'c.yaml:9:11: probes.web.tls.ca: unknown key "ca"',
      'c.yaml:12:17: probes.d.query_type: expected one of A, AAAA, CNAME, MX, NS, PTR, SOA, SRV, TXT, CAA, ANY, got "AXFR"',
      'c.yaml:13:16: probes.d.transport: expected one of udp, tcp, got "quic"',
      'c.yaml:14:20: probes.d.valid_rcodes.0: expected one of NOERROR, FORMERR, SERVFAIL, NXDOMAIN, NOTIMP, REFUSED, YXDOMAIN, YXRRSET, NXRRSET, NOTAUTH, NOTZONE, got "OK"',
      'c.yaml:15:27: probes.d.validate_answer_rrs.fail_if_matches: unknown key "fail_if_matches"',
      'c.yaml:16:17: probes.d.dns_server: expected a name server like "10.0.0.2" or "[::1]:5353", got "ns1.example" (expected an IP address, not a name)',
      "c.yaml:17:16: dns.servers: expected at least 1 item, got 0",
      'c.yaml:17:29: dns.min_ttl: expected a duration like "5s", got "soon"',
    ],
  );
});

Deno.test("parseConfig() rejects a URL target with credentials and a URL for a tcp module", () => {
  assert.deepEqual(
    problems(`probes: {tcp: {type: tcp, port: 1}}
targets:
  - static: {targets: ["http://u:p@web.example/"]}
    probes: [tcp]
`),
    [
      'c.yaml:3:24: targets.0.static.targets.0: expected an http:// or https:// URL target, got "http://u:p@web.example/" (credentials in the URL (use basic_auth))',
    ],
  );
});
