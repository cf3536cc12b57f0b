/**
 * `protocol: icmp` path probes without CAP_NET_RAW, where `net.ipv4.ping_group_range` holds our
 * group: the CLI, run inside r1 of a namespace chain (so the sysctl, per namespace, changes no
 * other test's host) as root without CAP_NET_RAW, traces the target over ICMP datagram sockets
 * and finds the hops the raw socket finds from the same place (IPv4 and IPv6).
 */
import assert from "node:assert/strict";
import { ROOT } from "../cli/_cli.ts";
import { createNetnsChain } from "../_support/netns_chain.ts";
import { DENO, denoFlags } from "../_support/agent_process.ts";

async function pathIn(
  ns: string,
  ip: string,
  wrap: string[],
): Promise<{ code: number; out: string }> {
  const child = new Deno.Command("ip", {
    args: [
      "netns",
      "exec",
      ns,
      ...wrap,
      DENO,
      "run",
      ...denoFlags(),
      `${ROOT}src/main.ts`,
      "probe",
      "path",
      ip,
      "--count",
      "3",
      "--interval",
      "10ms",
      "--max-hops",
      "8",
      "--timeout",
      "2s",
      "--json",
    ],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  const o = await child.output();
  clearTimeout(timer);
  const out = new TextDecoder().decode(o.stdout) + new TextDecoder().decode(o.stderr);
  return { code: o.code, out };
}

const hops = (out: string): string[] =>
  JSON.parse(out).path.hops.map((h: { address: string }) => h.address);

Deno.test("path probe, protocol icmp, without CAP_NET_RAW: ICMP datagram sockets find the raw socket's hops", async () => {
  await using chain = await createNetnsChain({ routers: 3, alternate: false });
  const [r1, r2, r3] = chain.routers;
  const unprivileged = ["setpriv", "--bounding-set=-net_raw", "--inh-caps=-net_raw"];
  const t = chain.targets[0]!;
  // Excluded (the default): no raw socket and no datagram one either.
  await r1!.exec(["sysctl", "-qw", "net.ipv4.ping_group_range=1 0"]);
  const denied = await pathIn(r1!.ns, t.ip4, unprivileged);
  assert.equal(denied.code, 2, denied.out);
  assert.match(
    denied.out,
    /"reason":"error","detail":"path probes with protocol icmp need CAP_NET_RAW, or net\.ipv4\.ping_group_range holding our group \(protocol udp needs neither\): Cannot open dgram ICMPv4 socket: errno 13"/,
  );
  await r1!.exec(["sysctl", "-qw", "net.ipv4.ping_group_range=0 0"]);
  for (
    const [ip, want] of [[t.ip4, [r2!.ip4, r3!.ip4, t.ip4]], [t.ip6, [r2!.ip6, r3!.ip6, t.ip6]]]
  ) {
    const raw = await pathIn(r1!.ns, ip as string, []);
    assert.equal(raw.code, 0, raw.out);
    assert.deepEqual(hops(raw.out), want);
    const dgram = await pathIn(r1!.ns, ip as string, unprivileged);
    assert.equal(dgram.code, 0, dgram.out);
    assert.deepEqual(hops(dgram.out), want);
    assert.deepEqual(
      JSON.parse(dgram.out).path.hops.map((h: { stats: { sent: number } }) => h.stats.sent),
      [3, 3, 3],
    );
  }
});
