import assert from "node:assert/strict";
import { parseConfig } from "../../src/config/parse.ts";
import { problems } from "../_support/config_problems.ts";

Deno.test("parseConfig() accepts a path module with every key", () => {
  const c = parseConfig(
    `probes:
  mtr:
    type: path
    protocol: icmp
    max_hops: 20
    count: 50
    packet_interval: 20ms
    size: 64
    timeout: 10s
targets:
  - static: {targets: ["198.19.1.1", "example.com"]}
    probes: [mtr]
`,
    "c.yaml",
  );
  const m = c.probes.mtr;
  assert.equal(m?.type, "path");
  assert.deepEqual(
    m?.type === "path" && [m.max_hops, m.count, m.packet_interval, m.size],
    [20, 50, 20, 64],
  );
});

Deno.test("parseConfig() names file:line:col for every bad path key", () => {
  assert.deepEqual(
    problems(`probes:
  p:
    type: path
    protocol: sctp
    max_hops: 0
    count: 1001
    packet_interval: soon
    size: 4
    port: 70000
    hops: 3
`),
    [
      'c.yaml:4:15: probes.p.protocol: expected one of icmp, udp, tcp, got "sctp"',
      "c.yaml:5:15: probes.p.max_hops: expected a number >= 1, got 0",
      "c.yaml:6:12: probes.p.count: expected a number <= 1000, got 1001",
      'c.yaml:7:22: probes.p.packet_interval: expected a duration like "5s", got "soon"',
      "c.yaml:8:11: probes.p.size: expected a number >= 8, got 4",
      "c.yaml:9:11: probes.p.port: expected a port number 1-65535, got 70000",
      'c.yaml:10:5: probes.p.hops: unknown key "hops"',
    ],
  );
});
