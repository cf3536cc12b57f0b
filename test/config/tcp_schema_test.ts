import assert from "node:assert/strict";
import { parseConfig } from "../../src/config/parse.ts";
import { problems } from "../_support/config_problems.ts";

Deno.test("parseConfig() accepts a tcp module with every key of its own and the common ones", () => {
  const c = parseConfig(
    `probes:
  t:
    type: tcp
    port: 443
    send: "PING\\r\\n"
    expect: "^\\\\+PONG"
    tls: true
    tls_server_name: web.example
    tls_insecure_skip_verify: false
    interval: 30s
    timeout: 2s
    retries: 2
    jitter: 0.5
    ip_protocol: ip6
    job: edge
    dns_server: "[::1]:5353"
`,
    "c.yaml",
  );
  const t = c.probes.t;
  assert.equal(t?.type, "tcp");
  assert.deepEqual(
    t?.type === "tcp" && [t.port, t.send, t.tls, t.interval, t.timeout, t.retries, t.job],
    [443, "PING\r\n", true, 30_000, 2_000, 2, "edge"],
  );
});

Deno.test("parseConfig() names file:line:col for every bad tcp and common key", () => {
  assert.deepEqual(
    problems(`probes:
  t:
    type: tcp
    port: 70000
    send: 5
    expect: "(("
    tls: yes
    tls_server_name: [a]
    tls_insecure_skip_verify: 1
    retries: 11
    jitter: 2
    ip_protocol: ip5
`),
    [
      "c.yaml:4:11: probes.t.port: expected a port number 1-65535, got 70000",
      "c.yaml:5:11: probes.t.send: expected a string, got 5",
      'c.yaml:6:13: probes.t.expect: expected an RE2 regular expression, got "((" (missing closing ): `((`)',
      'c.yaml:7:10: probes.t.tls: expected true or false, got "yes"',
      "c.yaml:8:22: probes.t.tls_server_name: expected a string, got a list",
      "c.yaml:9:31: probes.t.tls_insecure_skip_verify: expected true or false, got 1",
      "c.yaml:10:14: probes.t.retries: expected a number <= 10, got 11",
      "c.yaml:11:13: probes.t.jitter: expected a number <= 1, got 2",
      'c.yaml:12:18: probes.t.ip_protocol: expected one of ip4, ip6, auto, both, got "ip5"',
    ],
  );
});
