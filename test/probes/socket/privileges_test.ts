import assert from "node:assert/strict";
import { parseConfig } from "../../../src/config/parse.ts";
import { privilegeNotes, readNetPrivileges } from "../../../src/probes/socket/privileges.ts";

const host = (raw: boolean, dgram: boolean, bind = true) => (what: string) =>
  what === "cap_net_raw" ? raw : what === "ping_group_allows" ? dgram : bind;

const config = parseConfig(
  `probes:
  ping: {type: icmp}
  raw: {type: icmp, helper: socket}
  dns: {type: udp, port: 53, source_interface: lo}
targets:
  - static: {targets: [127.0.0.1]}
    probes: [ping, raw, dns]
`,
  "c.yaml",
);

Deno.test("readNetPrivileges() tries the sockets; null when it cannot tell", () => {
  assert.deepEqual(readNetPrivileges(host(true, false)), {
    cap_net_raw: true,
    ping_group_allows: false,
    bind_to_device: true,
  });
  assert.deepEqual(
    readNetPrivileges(() => {
      throw new Deno.errors.NotCapable("no ffi");
    }),
    { cap_net_raw: null, ping_group_allows: null, bind_to_device: null },
  );
  // This test runs as root: the real attempt opens a raw socket.
  assert.equal(readNetPrivileges().cap_net_raw, true);
});

Deno.test("privilegeNotes() says what needs CAP_NET_RAW and what falls back", () => {
  const none = readNetPrivileges(host(false, false, false));
  assert.deepEqual(privilegeNotes(none, config), [
    {
      level: "warning",
      text: "ICMP: no CAP_NET_RAW and net.ipv4.ping_group_range excludes our group: modules " +
        "with helper: socket (raw) fail, helper auto falls back to the system ping (ICMP error " +
        "details are not read); grant CAP_NET_RAW or widen ping_group_range",
    },
    {
      level: "warning",
      text: "source_interface (dns) needs CAP_NET_RAW on kernels before 5.7: those probes fail",
    },
    {
      level: "info",
      text: "UDP: own sockets read ICMP errors (refused, unreachable) without privilege",
    },
  ]);
  const dgram = readNetPrivileges(host(false, true));
  assert.deepEqual(privilegeNotes(dgram, config).map((n) => n.level), ["info", "info"]);
  const raw = readNetPrivileges(host(true, false));
  assert.deepEqual(privilegeNotes(raw, config)[0], {
    level: "info",
    text: "ICMP: raw sockets (CAP_NET_RAW)",
  });
});

const pathConfig = parseConfig(
  `probes:
  mtr: {type: path}
  mtr_udp: {type: path, protocol: udp}
  mtr_tcp: {type: path, protocol: tcp}
targets:
  - static: {targets: [127.0.0.1]}
    probes: [mtr, mtr_udp, mtr_tcp]
`,
  "c.yaml",
);

Deno.test("privilegeNotes(): path modules without CAP_NET_RAW go unprivileged and name what fails", () => {
  assert.deepEqual(privilegeNotes(readNetPrivileges(host(false, false)), pathConfig), [{
    level: "warning",
    text: "path: no CAP_NET_RAW: unprivileged mode, hops read from the error queue of each " +
      "run's own socket (protocol udp and tcp); these fail: mtr (icmp needs CAP_NET_RAW or " +
      "ping_group_range)",
  }]);
  assert.deepEqual(privilegeNotes(readNetPrivileges(host(false, true)), pathConfig), [{
    level: "warning",
    text: "path: no CAP_NET_RAW: unprivileged mode, hops read from the error queue of each " +
      "run's own socket (protocol udp and tcp; icmp: ping_group_range)",
  }]);
  assert.deepEqual(privilegeNotes(readNetPrivileges(host(true, false)), pathConfig), [{
    level: "info",
    text: "path: raw ICMP sockets (CAP_NET_RAW)",
  }]);
});
