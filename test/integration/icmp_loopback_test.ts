import assert from "node:assert/strict";
import { Registry } from "../../src/base/prom.ts";
import { internetChecksum } from "../../src/probes/icmp/checksum.ts";
import { createEchoChannel } from "../../src/probes/icmp/echo_channel.ts";
import { openIcmpSocket } from "../../src/probes/icmp/ffi_socket.ts";
import { createIcmpProbe } from "../../src/probes/icmp/icmp_probe.ts";
import type { ModuleOf } from "../../src/config/schema.ts";
import { probeJob } from "../_support/probe_job.ts";

const never = new AbortController().signal;

const job = (host: string, options: Omit<ModuleOf<"icmp">, "type">, timeoutMs = 2000) =>
  probeJob("icmp", options, { host, timeoutMs });

async function metric(registry: Registry, name: string): Promise<Record<string, number>> {
  const m = await registry.getSingleMetric(name)!.get();
  return Object.fromEntries(
    m.values.map((v) => [Object.values(v.labels).join(","), v.value]),
  );
}

for (const helper of ["socket", "ping"] as const) {
  for (const host of ["127.0.0.1", "::1"]) {
    Deno.test(`ICMP probe (${helper} helper) gets 5/5 replies from ${host} under 10 ms`, async () => {
      const registry = new Registry();
      await using probe = createIcmpProbe({ registry, helper });
      const o = await probe.run(job(host, { count: 5, packet_interval: 10, helper }), never);
      assert.equal(o.success, true, o.detail);
      assert.equal(o.ipProtocol, host === "::1" ? 6 : 4);
      assert.equal(o.icmp!.sent, 5);
      assert.equal(o.icmp!.received, 5);
      assert.equal(o.icmp!.lossRatio, 0);
      assert.equal(o.icmp!.rttsSeconds.length, 5);
      assert.ok(o.icmp!.maxSeconds < 0.010, `max RTT ${o.icmp!.maxSeconds}`);
      assert.ok(o.icmp!.minSeconds > 0);
      const info = await metric(registry, "vmprober_icmp_helper_info");
      assert.deepEqual(info, { [`${helper},4`]: 1, [`${helper},6`]: 1 });
    });
  }
}

Deno.test("ICMP probe answers from any 127.x.y.z and matches replies to the right target", async () => {
  await using probe = createIcmpProbe({ helper: "socket" });
  const hosts = Array.from({ length: 50 }, (_, i) => `127.0.${i >> 4}.${(i % 16) + 1}`);
  const outcomes = await Promise.all(
    hosts.map((h) => probe.run(job(h, { count: 3, packet_interval: 5 }), never)),
  );
  assert.deepEqual(outcomes.map((o) => o.icmp!.received), hosts.map(() => 3));
});

/** An ICMP message of `type` with `identifier`, checksummed (or broken on purpose). */
function forged(type: number, identifier: number, breakChecksum = false): Uint8Array {
  const p = new Uint8Array([type, 0, 0, 0, identifier >> 8, identifier & 0xff, 0, 1, 1, 2, 3, 4]);
  const sum = internetChecksum(p) ^ (breakChecksum ? 0x5a5a : 0);
  p[2] = sum >> 8;
  p[3] = sum & 0xff;
  return p;
}

Deno.test("raw ICMP socket: the kernel filter keeps foreign echo replies from the parser, passes our block", async () => {
  for (const family of [4, 6] as const) {
    const ignored: string[] = [];
    const channel = createEchoChannel(openIcmpSocket(family, "raw"), {
      onIgnored: (r) => ignored.push(r),
    });
    using forger = openIcmpSocket(family, "raw");
    const host = family === 4 ? "127.0.0.1" : "::1";
    const base = channel.identifierBase;
    const reply = family === 4 ? 0 : 129;
    try {
      // Another pinger on the host: 300 echoes whose replies a raw socket sees, plus 200
      // replies forged with identifiers outside our block.
      const other = new Deno.Command("ping", {
        args: ["-c", "300", "-i", "0.002", "-q", "-w", "10", host],
        stdout: "null",
        stderr: "null",
      }).output();
      for (let i = 0; i < 200; i++) {
        forger.send(host, forged(reply, (base + 16 + i * 97) & 0xffff, i % 2 === 0));
      }
      const ours = await channel.run(host, { count: 5, intervalMs: 20, size: 56, timeoutMs: 1000 });
      assert.equal((await other).code, 0);
      assert.equal(ours.rttsSeconds.length, 5);
      channel.drain();
      // ICMP errors pass the filter by design (they may quote our requests), and other work on
      // the host makes some (a UDP datagram to a closed loopback port): all but those is none.
      const notErrors = () => ignored.filter((r) => r !== "other_type");
      assert.deepEqual(notErrors(), [], `IPv${family}: nothing foreign parsed`);
      // What does pass: a reply with one of our identifiers but a bad checksum (IPv4: the
      // kernel fills in ICMPv6 checksums). ICMP errors reach us through the error queue, not
      // as packets: forged ones about no request of ours are not parsed either.
      if (family === 4) forger.send(host, forged(reply, base + 15, true));
      for (const type of family === 4 ? [3, 11] : [1, 2, 3]) forger.send(host, forged(type, 7));
      await new Promise((r) => setTimeout(r, 20));
      channel.drain();
      assert.deepEqual(notErrors(), family === 4 ? ["checksum"] : []);
    } finally {
      channel.close();
    }
  }
});

Deno.test("ICMP probe with helper socket and an oversized payload still matches (size 1400)", async () => {
  await using probe = createIcmpProbe({ helper: "socket" });
  for (const host of ["127.0.0.1", "::1"]) {
    const o = await probe.run(
      job(host, { count: 2, packet_interval: 5, size: 1400, ttl: 3 }),
      never,
    );
    assert.equal(o.icmp!.received, 2, o.detail);
  }
});

Deno.test("ICMP probe reports dns when the name does not resolve", async () => {
  await using probe = createIcmpProbe({
    helper: "socket",
    resolver: {
      resolve: () => Promise.reject(new Deno.errors.NotFound("no A record for x.invalid")),
    },
  });
  const o = await probe.run(job("x.invalid", { count: 1 }), never);
  assert.deepEqual([o.success, o.reason, o.detail], [
    false,
    "dns",
    "Cannot resolve x.invalid: no A record for x.invalid",
  ]);
});

Deno.test("two prober processes probing the same targets at once both see 0 loss", async () => {
  const run = (host: string) =>
    new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "test/_support/icmp_probe_fixture.ts",
        host,
        "200",
        "1",
        "dgram,raw",
        "3000",
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
  const results = await Promise.all([run("127.0.0.1"), run("127.0.0.1"), run("::1"), run("::1")]);
  for (const r of results) {
    assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
    const line = new TextDecoder().decode(r.stdout).trim().split("\n").at(-1)!;
    const { outcome } = JSON.parse(line);
    assert.equal(outcome.icmp.sent, 200);
    assert.equal(outcome.icmp.received, 200);
    assert.equal(outcome.icmp.lossRatio, 0);
  }
});
