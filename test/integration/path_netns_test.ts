/**
 * The path probe on a real routed chain of namespaces: host — r1 — r2 — target, with 20 ms of
 * delay and 10 % loss on r1 → r2 (tc netem, or the seeded TUN relay where the kernel has no
 * netem), and an alternate router ra to switch to.
 */
import assert from "node:assert/strict";
import { createPathProbe } from "../../src/probes/path/path_probe.ts";
import type { ProbeJob } from "../../src/schedule/job.ts";
import type { ModuleOf } from "../../src/config/schema.ts";
import type { ProbeOutcome } from "../../src/probes/types.ts";
import { createNetnsChain } from "../_support/netns_chain.ts";

const never = new AbortController().signal;

function job(ip: string, options: Partial<ModuleOf<"path">>, timeoutMs = 3000): ProbeJob<"path"> {
  return {
    target: ip,
    host: ip,
    probe: "path",
    type: "path",
    timeoutMs,
    ipProtocol: "auto",
    options: { type: "path", ...options },
  };
}

const gauge = (o: ProbeOutcome, name: string) => o.gauges?.find((g) => g.name === name)?.value;

// 300 packets per hop at 10 % loss: the count lost is Binomial(300, 0.1), mean 30, σ ≈ 5.2; the
// bound [12, 48] (4 % - 16 %) is ±3.5 σ (a false failure about once in 2,000 runs with tc
// netem's own random loss; the relay's seeded loss gives the same count every run).
const LOSS_BOUND = [0.04, 0.16] as const;

Deno.test("path probe: 3 hops in order, loss near 10 % and RTT ≥ 20 ms beyond the lossy link (≥ 300 packets per hop)", async () => {
  await using chain = await createNetnsChain({
    netem: { link: 1, delayMs: 20, lossPercent: 10 },
  });
  await using probe = createPathProbe();
  const [r1, r2] = chain.routers;
  for (const family of [4, 6] as const) {
    const ip = family === 4 ? chain.targets[0]!.ip4 : chain.targets[0]!.ip6;
    const want = family === 4 ? [r1!.ip4, r2!.ip4, ip] : [r1!.ip6, r2!.ip6, ip];
    const sent = [0, 0, 0];
    const received = [0, 0, 0];
    const minRtt = [Infinity, Infinity, Infinity];
    for (let run = 0; run < 3; run++) {
      const o = await probe.run(job(ip, { count: 100, packet_interval: 10 }), never);
      assert.equal(o.success, true, o.detail);
      assert.deepEqual(o.path!.hops.map((h) => h.address), want, `IPv${family} run ${run}`);
      assert.equal(gauge(o, "vmprober_path_hops"), 3);
      o.path!.hops.forEach((h, i) => {
        sent[i]! += h.stats.sent;
        received[i]! += h.stats.received;
        if (h.stats.received) minRtt[i] = Math.min(minRtt[i]!, h.stats.minSeconds);
      });
    }
    const loss = sent.map((s, i) => (s - received[i]!) / s);
    assert.deepEqual(sent, [300, 300, 300], `IPv${family} (${chain.shaping})`);
    // No shaping before the lossy link: at most one reply in 100 missed (a reply the kernel
    // delivered after the run's deadline on a host loaded by other work), against ~30 beyond it.
    assert.ok(loss[0]! <= 0.01, `IPv${family}: loss ${loss[0]} before the lossy link`);
    for (const i of [1, 2]) {
      assert.ok(
        loss[i]! >= LOSS_BOUND[0] && loss[i]! <= LOSS_BOUND[1],
        `IPv${family} hop ${i + 1}: loss ${loss[i]} outside ${LOSS_BOUND} (${chain.shaping})`,
      );
      assert.ok(minRtt[i]! >= 0.020, `IPv${family} hop ${i + 1}: min RTT ${minRtt[i]} s`);
    }
    assert.ok(minRtt[0]! < 0.020, `IPv${family} hop 1: min RTT ${minRtt[0]} s`);
  }
});

Deno.test("path probe: a route switched to another router mid-test counts one change", async () => {
  await using chain = await createNetnsChain({ netem: { link: 1, delayMs: 20, lossPercent: 10 } });
  await using probe = createPathProbe();
  const ip = chain.targets[0]!.ip4;
  const changes: number[] = [];
  const second: string[] = [];
  for (let run = 0; run < 6; run++) {
    if (run === 3) await chain.switchRoute("alternate");
    const o = await probe.run(job(ip, { count: 5, packet_interval: 10 }, 1500), never);
    assert.equal(o.success, true, o.detail);
    changes.push(gauge(o, "vmprober_path_changes_total")!);
    second.push(o.path!.hops[1]!.address);
  }
  const [, r2] = chain.routers;
  const ra = chain.alternate!.ip4;
  assert.deepEqual(second, [r2!.ip4, r2!.ip4, r2!.ip4, ra, ra, ra]);
  assert.deepEqual(changes, [0, 0, 0, 1, 1, 1]);
});

interface MtrHub {
  host: string;
  "Loss%": number;
  Snt: number;
  Avg: number;
  Best: number;
}

async function mtrReport(ip: string, count: number): Promise<MtrHub[]> {
  const out = await new Deno.Command("mtr", {
    args: ["-n", "--json", "-c", String(count), "-i", "0.05", ip],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout)).report.hubs;
}

// mtr's averages and ours are each over 100 packets of the same path at the same time (both 50 ms
// apart); the shaped link's delay varies with the machine's load, so they agree within 10 ms,
// not to the µs.
const RTT_BOUND_MS = 10;

Deno.test("path probe: the same hop list as mtr --report on the same path, RTT averages within 10 ms", async () => {
  await using chain = await createNetnsChain({ netem: { link: 1, delayMs: 20, lossPercent: 10 } });
  await using probe = createPathProbe();
  for (const ip of [chain.targets[0]!.ip4, chain.targets[0]!.ip6]) {
    // At the same time, so both see the same path under the same load.
    const [hubs, o] = await Promise.all([
      mtrReport(ip, 100),
      probe.run(job(ip, { count: 100, packet_interval: 50 }, 8000), never),
    ]);
    assert.equal(o.success, true, o.detail);
    const ours = o.path!.hops;
    assert.deepEqual(ours.map((h) => h.address), hubs.map((h) => h.host), ip);
    ours.forEach((h, i) => {
      const m = hubs[i]!;
      const avgMs = h.stats.avgSeconds * 1000;
      assert.ok(
        Math.abs(avgMs - m.Avg) <= RTT_BOUND_MS,
        `${ip} hop ${i + 1}: ours ${avgMs.toFixed(2)} ms, mtr ${m.Avg} ms`,
      );
      if (i > 0) assert.ok(m.Best >= 20 && h.stats.minSeconds >= 0.02, `${ip} hop ${i + 1}`);
    });
  }
});

Deno.test("path probe: protocol udp finds the hops mtr -u finds, the destination by its port unreachable", async () => {
  await using chain = await createNetnsChain({ netem: { link: 1, delayMs: 20, lossPercent: 10 } });
  await using probe = createPathProbe();
  for (const ip of [chain.targets[0]!.ip4, chain.targets[0]!.ip6]) {
    const out = await new Deno.Command("mtr", {
      args: ["-u", "-n", "--json", "-c", "20", "-i", "0.05", ip],
      stdout: "piped",
    }).output();
    const hubs: MtrHub[] = JSON.parse(new TextDecoder().decode(out.stdout)).report.hubs;
    const o = await probe.run(job(ip, { protocol: "udp", count: 20, packet_interval: 10 }), never);
    assert.equal(o.success, true, o.detail);
    assert.deepEqual(o.path!.hops.map((h) => h.address), hubs.map((h) => h.host), ip);
    assert.ok(o.path!.hops[2]!.stats.minSeconds >= 0.02, ip);
  }
});

Deno.test("path probe: protocol tcp reaches an open port (handshake) and a closed one (reset), the hops mtr -T finds", async () => {
  await using chain = await createNetnsChain({ netem: { link: 1, delayMs: 20, lossPercent: 10 } });
  await using probe = createPathProbe();
  const listener = new Deno.Command("ip", {
    args: [
      "netns",
      "exec",
      chain.target.ns,
      "python3",
      "-c",
      "import socket\ns=socket.socket(socket.AF_INET6)\ns.setsockopt(socket.IPPROTO_IPV6,socket.IPV6_V6ONLY,0)\n" +
      "s.bind(('::',8080))\ns.listen(512)\nwhile True: s.accept()[0].close()",
    ],
    stdout: "null",
  }).spawn();
  try {
    await chain.target.exec([
      "sh",
      "-c",
      "for i in $(seq 100); do ss -ltn | grep -q :8080 && exit 0; sleep 0.05; done; exit 1",
    ]);
    for (const ip of [chain.targets[0]!.ip4, chain.targets[0]!.ip6]) {
      const out = await new Deno.Command("mtr", {
        args: ["-T", "-P", "8080", "-n", "--json", "-c", "10", "-i", "0.1", ip],
        stdout: "piped",
      }).output();
      const hubs: MtrHub[] = JSON.parse(new TextDecoder().decode(out.stdout)).report.hubs;
      for (const port of [8080, 9]) {
        const o = await probe.run(
          { ...job(ip, { protocol: "tcp", count: 10, packet_interval: 20 }, 2500), port },
          never,
        );
        assert.equal(o.success, true, `${ip}:${port} ${o.detail}`);
        assert.deepEqual(
          o.path!.hops.map((h) => h.address),
          hubs.map((h) => h.host),
          `${ip}:${port}`,
        );
        assert.ok(o.path!.hops[2]!.stats.minSeconds >= 0.02, `${ip}:${port}`);
        // No answer counted from the kernel's second SYN (1 s later): every RTT under it.
        assert.ok(o.path!.hops.every((h) => h.stats.maxSeconds < 1), `${ip}:${port}`);
      }
    }
  } finally {
    listener.kill("SIGKILL");
    await listener.status;
  }
});

// (A router rate-limits its unreachables apart from other ICMP errors, `net.ipv4.route.error_cost`
// and `error_burst`: some probes stay unanswered, so the run lasts to its timeout.)
Deno.test("path probe: a router without a route answers unreachable: reason, code, hop, nothing past it", async () => {
  await using chain = await createNetnsChain();
  await using probe = createPathProbe();
  const [r1, r2] = chain.routers;
  const t = chain.targets[0]!;
  await r2!.exec(["ip", "route", "add", "unreachable", `${t.ip4}/32`]);
  await r2!.exec(["ip", "-6", "route", "add", "unreachable", `${t.ip6}/128`]);
  for (
    const [ip, want, code] of [[t.ip4, [r1!.ip4, r2!.ip4], 1], [
      t.ip6,
      [r1!.ip6, r2!.ip6],
      0,
    ]] as const
  ) {
    const o = await probe.run(job(ip, { count: 3, packet_interval: 10 }, 1000), never);
    assert.equal(o.success, false);
    assert.equal(o.reason, "unreachable", o.detail);
    assert.equal(
      o.detail,
      `ICMP destination unreachable (code ${code}) for ${ip} from ${want[1]} at hop 2`,
    );
    assert.deepEqual(o.path!.hops.map((h) => h.address), want);
    assert.equal(o.path!.reached, false);
  }
});
