import assert from "node:assert/strict";
import { parseConfig } from "../../src/config/parse.ts";
import { problems } from "../_support/config_problems.ts";

Deno.test("parseConfig() accepts an http module and URL targets", () => {
  const c = parseConfig(
    `probes:
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
targets:
  - static: {targets: ["https://web.example/health", "10.0.0.1:8080"]}
    probes: [web]
`,
    "c.yaml",
  );
  assert.equal(c.probes.web?.type, "http");
});

Deno.test("parseConfig() names file:line:col for every bad http key", () => {
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
`),
    [
      'c.yaml:4:13: probes.web.method: expected an HTTP method like "GET", got "get"',
      "c.yaml:5:26: probes.web.valid_status_codes.0: expected a number >= 100, got 99",
      'c.yaml:6:35: probes.web.fail_if_body_matches_regexp.0: expected an RE2 regular expression, got "(?=x)" (invalid or unsupported Perl syntax: `(?=`; RE2 has no lookahead or lookbehind)',
      'c.yaml:7:15: probes.web.headers.Bad Name: expected an HTTP header name, got "Bad Name"',
      'c.yaml:8:22: probes.web.body_size_limit: expected a size like "64MiB", got "lots"',
      'c.yaml:9:11: probes.web.tls.ca: unknown key "ca"',
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
