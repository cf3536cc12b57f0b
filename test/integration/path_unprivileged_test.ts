/**
 * Path probes without CAP_NET_RAW: the real agent, run as root with CAP_NET_RAW dropped from
 * its bounding set, traces a namespace chain (host — r1 — r2 — target) with `protocol: udp` and `tcp`
 * from its error queues and finds the hops the raw socket finds; `protocol: icmp` fails
 * saying why (the host's ping_group_range excludes group 0), and the log and
 * `/api/v1/status` say so.
 */
import assert from "node:assert/strict";
import { startAgentProcess, waitFor, writeConfig } from "../_support/agent_process.ts";
import { createNetnsChain } from "../_support/netns_chain.ts";
import { createPathProbe } from "../../src/probes/path/path_probe.ts";
import type { ProbeJob } from "../../src/schedule/job.ts";
import { tempDir } from "../_support/temp_dir.ts";

const never = new AbortController().signal;

const job = (ip: string, protocol: "udp" | "icmp" | "tcp"): ProbeJob<"path"> => ({
  target: ip,
  host: ip,
  probe: "p",
  type: "path",
  timeoutMs: 1500,
  ipProtocol: "auto",
  options: { type: "path", protocol, count: 3, packet_interval: 10, max_hops: 8 },
});

/** `{hop: address}` of one module and target in /metrics (the loss series, one per hop). */
function hopsIn(text: string, probe: string, target: string): string[] {
  const hops: string[] = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith("vmprober_path_hop_loss_ratio{")) continue;
    if (!line.includes(`probe="${probe}"`) || !line.includes(`target="${target}"`)) continue;
    const hop = /hop="(\d+)"/.exec(line)![1]!;
    hops[Number(hop) - 1] = /address="([^"]+)"/.exec(line)![1]!;
  }
  return hops;
}

Deno.test("agent without CAP_NET_RAW: udp and tcp path probes find the raw socket's hops (IPv4, IPv6); icmp fails with why", async () => {
  const range = (await Deno.readTextFile("/proc/sys/net/ipv4/ping_group_range")).trim();
  assert.match(range, /^1\s+0$/, "this test needs the default ping_group_range");
  await using chain = await createNetnsChain({ alternate: false });
  const t = chain.targets[0]!;
  // The raw socket's view, in process (root with CAP_NET_RAW).
  await using probe = createPathProbe();
  const raw: Record<string, string[]> = {};
  for (const ip of [t.ip4, t.ip6]) {
    for (const protocol of ["icmp", "udp", "tcp"] as const) {
      const o = await probe.run(job(ip, protocol), never);
      assert.equal(o.success, true, o.detail);
      raw[`${protocol} ${ip}`] = o.path!.hops.map((h) => h.address);
    }
    assert.deepEqual(raw[`icmp ${ip}`], raw[`udp ${ip}`]);
    assert.deepEqual(raw[`tcp ${ip}`], raw[`udp ${ip}`]);
    assert.equal(raw[`udp ${ip}`]!.length, 3);
  }
  await using tmp = await tempDir();
  const config = await writeConfig(`
agent: {listen: "127.0.0.1:0", log: {format: text}}
defaults: {interval: 500ms, timeout: 400ms}
probes:
  mtr_udp: {type: path, protocol: udp, count: 3, packet_interval: 10ms, max_hops: 8}
  mtr_tcp: {type: path, protocol: tcp, count: 3, packet_interval: 10ms, max_hops: 8}
  mtr: {type: path, count: 3, packet_interval: 10ms, max_hops: 8}
targets:
  - static: {targets: ["${t.ip4}", "${t.ip6}"]}
    probes: [mtr_udp, mtr_tcp, mtr]
wal: {dir: ${tmp.path}/wal, fsync: never}
`);
  await using agent = await startAgentProcess(config, {
    wrap: ["setpriv", "--bounding-set=-net_raw", "--inh-caps=-net_raw"],
  });
  const text = await waitFor("udp hops of both targets and all 4 results in /metrics", async () => {
    const m = await agent.metrics();
    const results = m.split("\n").filter((l) => l.startsWith("probe_success{")).length;
    return hopsIn(m, "mtr_udp", t.ip4).length === 3 && hopsIn(m, "mtr_udp", t.ip6).length === 3 &&
        hopsIn(m, "mtr_tcp", t.ip4).length === 3 && hopsIn(m, "mtr_tcp", t.ip6).length === 3 &&
        results === 6
      ? m
      : undefined;
  }, 15_000);
  const success = text.split("\n").filter((l) => l.startsWith("probe_success{")).join("\n");
  for (const ip of [t.ip4, t.ip6]) {
    assert.deepEqual(hopsIn(text, "mtr_udp", ip), raw[`udp ${ip}`], ip);
    assert.deepEqual(hopsIn(text, "mtr_tcp", ip), raw[`tcp ${ip}`], ip);
    assert.match(
      success,
      new RegExp(`^probe_success\\{[^}]*probe="mtr_udp"[^}]*target="${ip}"[^}]*\\} 1$`, "m"),
    );
    assert.match(
      success,
      new RegExp(`^probe_success\\{[^}]*probe="mtr_tcp"[^}]*target="${ip}"[^}]*\\} 1$`, "m"),
    );
    assert.match(
      success,
      new RegExp(`^probe_success\\{[^}]*probe="mtr"[^}]*target="${ip}"[^}]*\\} 0$`, "m"),
    );
  }
  const status = JSON.parse((await agent.get("/api/v1/status")).text);
  assert.equal(status.privileges.cap_net_raw, false);
  assert.deepEqual(
    status.privileges.notes.find((n: { text: string }) => n.text.startsWith("path:")),
    {
      level: "warning",
      text: "path: no CAP_NET_RAW: unprivileged mode, hops read from the error queue of each " +
        "run's own socket (protocol udp and tcp); these fail: mtr (icmp needs CAP_NET_RAW or " +
        "ping_group_range)",
    },
  );
  assert.match(agent.log(), /path probes: no raw ICMPv4 socket \(root or CAP_NET_RAW\)/);
  assert.match(agent.log(), /path probes: no raw ICMPv6 socket \(root or CAP_NET_RAW\)/);
});
