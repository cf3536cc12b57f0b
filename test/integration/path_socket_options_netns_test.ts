/**
 * Socket options of path probes on the wire (host ═ target over links a and b, see
 * netns_router.ts): nftables counters in the target count packets by DSCP value, by the
 * interface they came in on and by source address, for ICMP, UDP and TCP path probes over IPv4
 * and IPv6. With `max_hops: 1` and `count: 2` every run sends exactly 2 packets to the target.
 */
import assert from "node:assert/strict";
import { createPathProbe } from "../../src/probes/path/path_probe.ts";
import type { ModuleOf } from "../../src/config/schema.ts";
import type { ProbeJob } from "../../src/schedule/job.ts";
import { createCountersLab, NO_COUNTS, readCounts } from "../_support/nft_counters.ts";

const never = new AbortController().signal;
const PROTOCOLS = ["icmp", "udp", "tcp"] as const;

const job = (host: string, o: Partial<ModuleOf<"path">>): ProbeJob<"path"> => ({
  target: host,
  host,
  probe: "path",
  type: "path",
  timeoutMs: 1500,
  ipProtocol: "auto",
  ...(o.protocol === "tcp" ? { port: 9 } : {}),
  options: { type: "path", max_hops: 1, count: 2, packet_interval: 50, ...o },
});

Deno.test("path probes: dscp marks ICMP, UDP and TCP probe packets on the wire (IPv4 and IPv6)", async () => {
  await using lab = await createCountersLab();
  await using probe = createPathProbe();
  for (const ip of [lab.service4, lab.service6]) {
    for (const protocol of PROTOCOLS) {
      const o = await probe.run(job(ip, { protocol }), never);
      assert.equal(o.success, true, `${protocol} ${ip}: ${o.detail}`);
    }
  }
  assert.deepEqual(await readCounts(lab), NO_COUNTS);
  for (const ip of [lab.service4, lab.service6]) {
    for (const protocol of PROTOCOLS) {
      const o = await probe.run(job(ip, { protocol, dscp: 46 }), never);
      assert.equal(o.success, true, `${protocol} ${ip}: ${o.detail}`);
      assert.deepEqual(o.path!.hops.map((h) => [h.address, h.stats.sent]), [[ip, 2]]);
    }
  }
  assert.deepEqual(await readCounts(lab), { ...NO_COUNTS, dscp46_4: 6, dscp46_6: 6 });
});

Deno.test("path probes: source_interface and source_ip choose the egress the target sees", async () => {
  await using lab = await createCountersLab();
  await using probe = createPathProbe();
  for (const ip of [lab.service4, lab.service6]) {
    for (const protocol of PROTOCOLS) {
      const o = await probe.run(job(ip, { protocol, source_interface: lab.b.ifname }), never);
      assert.equal(o.success, true, `${protocol} ${ip}: ${o.detail}`);
    }
  }
  // Over link b, from b's addresses (the kernel picks the source of the bound interface).
  assert.deepEqual(await readCounts(lab), { ...NO_COUNTS, via_b: 12, from_b4: 6, from_b6: 6 });
  for (const [ip, source] of [[lab.service4, lab.b.ip4], [lab.service6, lab.b.ip6]] as const) {
    for (const protocol of PROTOCOLS) {
      const o = await probe.run(job(ip, { protocol, source_ip: source }), never);
      assert.equal(o.success, true, `${protocol} ${ip}: ${o.detail}`);
    }
  }
  // From b's addresses, still routed over a.
  assert.deepEqual(await readCounts(lab), { ...NO_COUNTS, via_b: 12, from_b4: 12, from_b6: 12 });
});

Deno.test("path probes: a source_ip the host does not have fails the run with the bind error", async () => {
  await using probe = createPathProbe();
  for (const protocol of ["icmp", "udp"] as const) {
    const o = await probe.run(job("127.0.0.1", { protocol, source_ip: "192.0.2.77" }), never);
    assert.equal(o.success, false);
    assert.equal(o.reason, "error");
    assert.match(o.detail ?? "", /Cannot bind source_ip 192\.0\.2\.77: errno 99/, protocol);
  }
});
