import assert from "node:assert/strict";
import { parseConfig } from "../../src/config/parse.ts";
import { problems } from "../_support/config_problems.ts";

Deno.test("parseConfig() accepts a udp module with a text or a hex payload", () => {
  const c = parseConfig(
    `probes:
  text: {type: udp, port: 7, payload: ping, expect: "^ping$"}
  hex: {type: udp, port: 53, payload_hex: "0a1B"}
`,
    "c.yaml",
  );
  const { text, hex } = c.probes;
  assert.deepEqual(text?.type === "udp" && [text.port, text.payload, text.expect?.source], [
    7,
    "ping",
    "^ping$",
  ]);
  assert.equal(hex?.type === "udp" && hex.payload_hex, "0a1B");
});

Deno.test("parseConfig() names file:line:col for every bad udp key", () => {
  assert.deepEqual(
    problems(`probes:
  u:
    type: udp
    payload: {}
    payload_hex: "0g"
    expect: "(("
    port: -1
  h:
    type: udp
    payload_hex: "abc"
`),
    [
      "c.yaml:4:14: probes.u.payload: expected a string, got a mapping",
      'c.yaml:5:18: probes.u.payload_hex: expected hex bytes like "0a1b", got "0g"',
      'c.yaml:6:13: probes.u.expect: expected an RE2 regular expression, got "((" (missing closing ): `((`)',
      "c.yaml:7:11: probes.u.port: expected a port number 1-65535, got -1",
      'c.yaml:10:18: probes.h.payload_hex: expected hex bytes like "0a1b", got "abc"',
    ],
  );
});
