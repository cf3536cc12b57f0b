import assert from "node:assert/strict";
import { createIcmpProbe } from "../../src/probes/icmp/icmp_probe.ts";
import type { ModuleOf } from "../../src/config/schema.ts";
import { createNetnsLab } from "../_support/netns_lab.ts";
import { probeJob } from "../_support/probe_job.ts";

const never = new AbortController().signal;

const job = (host: string, helper: ModuleOf<"icmp">["helper"], timeoutMs: number) =>
  probeJob("icmp", { count: 3, packet_interval: 100, helper }, { host, timeoutMs });

Deno.test("ICMP probe reports loss 1.0 within the timeout for an address that stops answering", async () => {
  await using lab = await createNetnsLab();
  await using probe = createIcmpProbe();
  for (const helper of ["socket", "ping"] as const) {
    for (const ip of [lab.ip4, lab.ip6]) {
      const ok = await probe.run(job(ip, helper, 2000), never);
      assert.equal(ok.icmp?.received, 3, `${helper} ${ip}: ${ok.detail}`);
    }
  }
  await lab.sysctl("net.ipv4.icmp_echo_ignore_all=1");
  await lab.sysctl("net.ipv6.icmp.echo_ignore_all=1");
  for (const helper of ["socket", "ping"] as const) {
    for (const ip of [lab.ip4, lab.ip6]) {
      const o = await probe.run(job(ip, helper, 600), never);
      assert.equal(o.success, false);
      assert.equal(o.reason, "timeout", `${helper} ${ip}: ${o.detail}`);
      assert.equal(o.icmp!.sent, 3);
      assert.equal(o.icmp!.received, 0);
      assert.equal(o.icmp!.lossRatio, 1);
      // The run ends at its timeout (600 ms), give or take scheduling.
      assert.ok(o.durationSeconds <= 0.9, `${helper} ${ip} took ${o.durationSeconds} s`);
    }
  }
});

Deno.test("ICMP socket helper uses an unprivileged datagram socket where ping_group_range allows", async () => {
  await using lab = await createNetnsLab({ veth: false });
  await lab.sysctl("net.ipv4.ping_group_range=0 2147483647");
  for (const host of ["127.0.0.1", "::1"]) {
    const line = await lab.exec([
      Deno.execPath(),
      "run",
      "-A",
      "test/_support/icmp_probe_fixture.ts",
      host,
      "20",
      "2",
      "dgram",
    ]);
    const { kinds, outcome } = JSON.parse(line.trim().split("\n").at(-1)!);
    assert.deepEqual(kinds, { 4: "dgram", 6: "dgram" });
    assert.equal(outcome.icmp.received, 20, outcome.detail);
  }
});
