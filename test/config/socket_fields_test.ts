import assert from "node:assert/strict";
import { parseConfig } from "../../src/config/parse.ts";
import { problems } from "../_support/config_problems.ts";
import { interfaceExists } from "../../src/config/socket_fields.ts";

Deno.test("parseConfig() takes dscp, source_ip, source_interface and dont_fragment", () => {
  const c = parseConfig(
    `probes:
  i: {type: icmp, dscp: 46, source_ip: "::1", source_interface: lo, dont_fragment: true, size: 1400}
  u: {type: udp, dscp: 0, source_ip: 127.0.0.1}
  t: {type: tcp, dscp: 63, source_interface: lo}
`,
    "c.yaml",
  );
  assert.deepEqual(
    { ...c.probes.i },
    {
      type: "icmp",
      dscp: 46,
      source_ip: "::1",
      source_interface: "lo",
      dont_fragment: true,
      size: 1400,
    },
  );
  assert.equal((c.probes.t as { dscp?: number }).dscp, 63);
});

Deno.test("parseConfig() names file:line:col for each bad socket option", () => {
  assert.deepEqual(
    problems(`probes:
  a: {type: icmp, dscp: 64}
  b: {type: udp, dscp: "ef", source_ip: 10.0.0}
  c: {type: tcp, source_interface: nope0, dscp: 1.5}
  d: {type: tcp, tls: true, source_ip: 127.0.0.1}
  e: {type: udp, dont_fragment: true}
  f: {type: icmp, dont_fragment: "yes", source_interface: "../x"}
`),
    [
      "c.yaml:2:25: probes.a.dscp: expected a DSCP value 0-63, got 64",
      'c.yaml:3:24: probes.b.dscp: expected a DSCP value 0-63, got "ef"',
      'c.yaml:3:41: probes.b.source_ip: expected an IP address like "192.0.2.1" or "2001:db8::1", got "10.0.0"',
      'c.yaml:4:36: probes.c.source_interface: no network interface "nope0" on this host',
      "c.yaml:4:49: probes.c.dscp: expected a DSCP value 0-63, got 1.5",
      "c.yaml:5:23: probes.d.tls: tls cannot be combined with source_ip (TLS needs Deno's own connection)",
      'c.yaml:6:18: probes.e.dont_fragment: unknown key "dont_fragment"',
      'c.yaml:7:34: probes.f.dont_fragment: expected true or false, got "yes"',
      'c.yaml:7:59: probes.f.source_interface: no network interface "../x" on this host',
    ],
  );
});

Deno.test("interfaceExists() finds lo and refuses paths and overlong names", () => {
  assert.equal(interfaceExists("lo"), true);
  for (const name of ["", ".", "..", "../lo", "lo/", "a".repeat(16), "x y", "nope0"]) {
    assert.equal(interfaceExists(name), false, name);
  }
});
