import assert from "node:assert/strict";
import { parseConfig } from "../../src/config/parse.ts";
import { problems } from "../_support/config_problems.ts";

Deno.test("parseConfig() accepts an icmp module with every key", () => {
  const c = parseConfig(
    `probes:
  i:
    type: icmp
    count: 5
    packet_interval: 200ms
    size: 1400
    ttl: 32
    helper: socket
    dont_fragment: true
`,
    "c.yaml",
  );
  const i = c.probes.i;
  assert.deepEqual(
    i?.type === "icmp" &&
      [i.count, i.packet_interval, i.size, i.ttl, i.helper, i.dont_fragment],
    [5, 200, 1400, 32, "socket", true],
  );
});

Deno.test("parseConfig() names file:line:col for every bad icmp key", () => {
  assert.deepEqual(
    problems(`probes:
  i:
    type: icmp
    count: 0
    packet_interval: 0s
    size: 65001
    ttl: 256
    helper: raw
    dont_fragment: "no"
    interval: soon
    timeout: -5
`),
    [
      "c.yaml:4:12: probes.i.count: expected a number >= 1, got 0",
      'c.yaml:5:22: probes.i.packet_interval: expected a positive duration like "5s", got "0s"',
      "c.yaml:6:11: probes.i.size: expected a number <= 65000, got 65001",
      "c.yaml:7:10: probes.i.ttl: expected a number <= 255, got 256",
      'c.yaml:8:13: probes.i.helper: expected one of auto, socket, ping, got "raw"',
      'c.yaml:9:20: probes.i.dont_fragment: expected true or false, got "no"',
      'c.yaml:10:15: probes.i.interval: expected a duration like "5s", got "soon"',
      'c.yaml:11:14: probes.i.timeout: expected a positive duration like "5s", got -5',
    ],
  );
});
