/**
 * Socket options on the wire, seen in a namespace the test makes (host ═ target over two links,
 * a and b; the target's address is routed over a): nftables counters in the target count
 * packets by DSCP value, by the interface they came in on and by source address. `dscp` marks
 * ICMP and UDP packets (IPv4 and IPv6), `source_interface` sends over link b and `source_ip`
 * sends from b's host address (ICMP, UDP and TCP); without them, nothing is marked and everything comes over a.
 * (IPv6 neighbour discovery is not counted.)
 */
import assert from "node:assert/strict";
import { createIcmpProbe } from "../../src/probes/icmp/icmp_probe.ts";
import { createUdpProbe } from "../../src/probes/udp.ts";
import { createTcpProbe } from "../../src/probes/tcp.ts";
import type { ModuleOf } from "../../src/config/schema.ts";
import type { ProbeJob } from "../../src/schedule/job.ts";
import { createDualLinkLab, type DualLinkLab } from "../_support/netns_router.ts";

const never = new AbortController().signal;

const icmpJob = (host: string, o: Partial<ModuleOf<"icmp">> = {}): ProbeJob<"icmp"> => ({
  target: host,
  host,
  probe: "icmp",
  type: "icmp",
  timeoutMs: 1000,
  ipProtocol: "auto",
  options: { type: "icmp", count: 1, helper: "socket", ...o },
});

const tcpJob = (host: string, o: Partial<ModuleOf<"tcp">> = {}): ProbeJob<"tcp"> => ({
  target: `${host}:9`,
  host,
  port: 9,
  probe: "tcp",
  type: "tcp",
  timeoutMs: 1000,
  ipProtocol: "auto",
  options: { type: "tcp", ...o },
});

const udpJob = (host: string, o: Partial<ModuleOf<"udp">> = {}): ProbeJob<"udp"> => ({
  target: `${host}:7`,
  host,
  port: 7,
  probe: "udp",
  type: "udp",
  timeoutMs: 1000,
  ipProtocol: "auto",
  options: { type: "udp", payload: "x", ...o },
});

async function countersLab(): Promise<DualLinkLab> {
  const lab = await createDualLinkLab();
  await lab.target.nft(`table inet t {
  chain in {
    type filter hook input priority 0;
    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit, nd-router-advert, mld-listener-report, mld2-listener-report } accept;
    ip dscp 46 counter comment "dscp46_4";
    ip6 dscp 46 counter comment "dscp46_6";
    iifname "tb" counter comment "via_b";
    ip saddr ${lab.b.ip4} counter comment "from_b4";
    ip6 saddr ${lab.b.ip6} counter comment "from_b6";
  }
}`);
  return lab;
}

async function counts(lab: DualLinkLab) {
  const names = ["dscp46_4", "dscp46_6", "via_b", "from_b4", "from_b6"] as const;
  const out: Record<string, number> = {};
  for (const n of names) out[n] = await lab.target.counter(n);
  return out;
}

Deno.test("dscp marks ICMP, UDP and TCP probe packets on the wire (IPv4 and IPv6)", async () => {
  await using lab = await countersLab();
  await using icmp = createIcmpProbe({ helper: "socket" });
  await using udp = createUdpProbe();
  const tcp = createTcpProbe();
  for (const ip of [lab.service4, lab.service6]) {
    const plain = await icmp.run(icmpJob(ip), never);
    assert.equal(plain.success, true, plain.detail);
    await udp.run(udpJob(ip), never);
    await tcp.run(tcpJob(ip), never);
  }
  assert.deepEqual(await counts(lab), {
    dscp46_4: 0,
    dscp46_6: 0,
    via_b: 0,
    from_b4: 0,
    from_b6: 0,
  });
  for (const ip of [lab.service4, lab.service6]) {
    const marked = await icmp.run(icmpJob(ip, { dscp: 46, count: 2, packet_interval: 10 }), never);
    assert.equal(marked.success, true, marked.detail);
    const u = await udp.run(udpJob(ip, { dscp: 46 }), never);
    assert.equal(u.reason, "refused", u.detail);
    const t = await tcp.run(tcpJob(ip, { dscp: 46 }), never);
    assert.equal(t.reason, "refused", t.detail);
  }
  assert.deepEqual(await counts(lab), {
    dscp46_4: 4,
    dscp46_6: 4,
    via_b: 0,
    from_b4: 0,
    from_b6: 0,
  });
});

Deno.test("source_interface and source_ip choose the egress the target sees", async () => {
  await using lab = await countersLab();
  await using icmp = createIcmpProbe({ helper: "socket" });
  await using udp = createUdpProbe();
  const tcp = createTcpProbe();
  for (const ip of [lab.service4, lab.service6]) {
    const o = await icmp.run(icmpJob(ip, { source_interface: lab.b.ifname }), never);
    assert.equal(o.success, true, o.detail);
    await udp.run(udpJob(ip, { source_interface: lab.b.ifname }), never);
    const t = await tcp.run(tcpJob(ip, { source_interface: lab.b.ifname }), never);
    assert.equal(t.reason, "refused", t.detail);
  }
  // Over link b, from b's addresses (the kernel picks the source of the bound interface).
  assert.deepEqual(await counts(lab), {
    dscp46_4: 0,
    dscp46_6: 0,
    via_b: 6,
    from_b4: 3,
    from_b6: 3,
  });
  for (const [ip, source] of [[lab.service4, lab.b.ip4], [lab.service6, lab.b.ip6]] as const) {
    const o = await icmp.run(icmpJob(ip, { source_ip: source }), never);
    assert.equal(o.success, true, o.detail);
    await udp.run(udpJob(ip, { source_ip: source }), never);
    const t = await tcp.run(tcpJob(ip, { source_ip: source }), never);
    assert.equal(t.reason, "refused", t.detail);
  }
  // From b's addresses, still routed over a.
  assert.deepEqual(await counts(lab), {
    dscp46_4: 0,
    dscp46_6: 0,
    via_b: 6,
    from_b4: 6,
    from_b6: 6,
  });
});

Deno.test("a source_ip the host does not have fails the probe with the bind error", async () => {
  await using icmp = createIcmpProbe({ helper: "socket" });
  await using udp = createUdpProbe();
  const o = await icmp.run(icmpJob("127.0.0.1", { source_ip: "192.0.2.77" }), never);
  assert.equal(o.reason, "error");
  assert.equal(o.detail, "Cannot bind source_ip 192.0.2.77: errno 99");
  const u = await udp.run(udpJob("127.0.0.1", { source_ip: "192.0.2.77" }), never);
  assert.equal(u.reason, "error");
  assert.equal(u.detail, "Cannot bind source_ip 192.0.2.77: errno 99");
});
