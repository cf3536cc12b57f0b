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
import { probeJob } from "../_support/probe_job.ts";
import { createCountersLab, NO_COUNTS, readCounts } from "../_support/nft_counters.ts";

const never = new AbortController().signal;

const icmpJob = (host: string, o: Partial<ModuleOf<"icmp">> = {}) =>
  probeJob("icmp", { count: 1, helper: "socket", ...o }, { host });
const tcpJob = (host: string, o: Partial<ModuleOf<"tcp">> = {}) =>
  probeJob("tcp", o, { host, port: 9 });
const udpJob = (host: string, o: Partial<ModuleOf<"udp">> = {}) =>
  probeJob("udp", { payload: "x", ...o }, { host, port: 7 });

Deno.test("dscp marks ICMP, UDP and TCP probe packets on the wire (IPv4 and IPv6)", async () => {
  await using lab = await createCountersLab();
  await using icmp = createIcmpProbe({ helper: "socket" });
  await using udp = createUdpProbe();
  const tcp = createTcpProbe();
  for (const ip of [lab.service4, lab.service6]) {
    const plain = await icmp.run(icmpJob(ip), never);
    assert.equal(plain.success, true, plain.detail);
    await udp.run(udpJob(ip), never);
    await tcp.run(tcpJob(ip), never);
  }
  assert.deepEqual(await readCounts(lab), NO_COUNTS);
  for (const ip of [lab.service4, lab.service6]) {
    const marked = await icmp.run(icmpJob(ip, { dscp: 46, count: 2, packet_interval: 10 }), never);
    assert.equal(marked.success, true, marked.detail);
    const u = await udp.run(udpJob(ip, { dscp: 46 }), never);
    assert.equal(u.reason, "refused", u.detail);
    const t = await tcp.run(tcpJob(ip, { dscp: 46 }), never);
    assert.equal(t.reason, "refused", t.detail);
  }
  assert.deepEqual(await readCounts(lab), { ...NO_COUNTS, dscp46_4: 4, dscp46_6: 4 });
});

Deno.test("source_interface and source_ip choose the egress the target sees", async () => {
  await using lab = await createCountersLab();
  await using icmp = createIcmpProbe({ helper: "socket" });
  await using udp = createUdpProbe();
  const tcp = createTcpProbe();
  /** One ICMP, UDP and TCP probe of `ip` with the same socket option. */
  const probeAll = async (ip: string, o: { source_interface?: string; source_ip?: string }) => {
    const i = await icmp.run(icmpJob(ip, o), never);
    assert.equal(i.success, true, i.detail);
    await udp.run(udpJob(ip, o), never);
    const t = await tcp.run(tcpJob(ip, o), never);
    assert.equal(t.reason, "refused", t.detail);
  };
  for (const ip of [lab.service4, lab.service6]) {
    await probeAll(ip, { source_interface: lab.b.ifname });
  }
  // Over link b, from b's addresses (the kernel picks the source of the bound interface).
  assert.deepEqual(await readCounts(lab), { ...NO_COUNTS, via_b: 6, from_b4: 3, from_b6: 3 });
  for (const [ip, source] of [[lab.service4, lab.b.ip4], [lab.service6, lab.b.ip6]] as const) {
    await probeAll(ip, { source_ip: source });
  }
  // From b's addresses, still routed over a.
  assert.deepEqual(await readCounts(lab), { ...NO_COUNTS, via_b: 6, from_b4: 6, from_b6: 6 });
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
