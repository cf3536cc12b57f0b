/** The real agent probing a dual-stack name with `ip_protocol: both`: two series, by `ip_version`. */
import assert from "node:assert/strict";
import { metricValue, startAgentProcess, waitFor, writeConfig } from "../_support/agent_process.ts";

Deno.test("agent run: ip_protocol both probes localhost over IPv4 and IPv6 as two series", async () => {
  const config = await writeConfig(`
agent:
  listen: 127.0.0.1:0
defaults: {interval: 300ms, timeout: 400ms}
probes:
  ping: {type: icmp, ip_protocol: both}
targets:
  - static: {targets: [localhost]}
    probes: [ping]
wal: {dir: ${await Deno.makeTempDir()}}
`);
  await using agent = await startAgentProcess(config);
  const text = await waitFor("a result per family", async () => {
    const m = await agent.metrics();
    const counts = m.split("\n").filter((l) =>
      l.startsWith("vmprober_probe_duration_seconds_count")
    );
    return counts.length === 2 ? m : undefined;
  });
  for (const version of ["4", "6"]) {
    const v = (name: string) =>
      metricValue(text, name, { probe: "ping", target: "localhost", ip_version: version });
    assert.equal(v("probe_success"), 1, text);
    assert.equal(v("probe_ip_protocol"), Number(version));
  }
});

Deno.test("agent run: without CAP_NET_RAW the log and /api/v1/status say what falls back", async () => {
  const config = await writeConfig(`
agent:
  listen: 127.0.0.1:0
defaults: {interval: 5s, timeout: 400ms}
probes:
  ping: {type: icmp}
targets:
  - static: {targets: [127.0.0.1]}
    probes: [ping]
wal: {dir: ${await Deno.makeTempDir()}}
`);
  // Root without CAP_NET_RAW (dropped from the bounding set); the host's ping_group_range
  // must exclude group 0 (Debian's default "1 0") for the raw path to be the only one.
  const range = (await Deno.readTextFile("/proc/sys/net/ipv4/ping_group_range")).trim();
  assert.match(range, /^1\s+0$/, "this test needs the default ping_group_range");
  await using agent = await startAgentProcess(config, {
    wrap: ["setpriv", "--bounding-set=-net_raw"],
  });
  const status = JSON.parse((await agent.get("/api/v1/status")).text);
  assert.equal(status.privileges.cap_net_raw, false);
  assert.equal(status.privileges.ping_group_allows, false);
  assert.equal(status.privileges.notes[0].level, "warning");
  assert.match(
    status.privileges.notes[0].text,
    /^ICMP: no CAP_NET_RAW and net.ipv4.ping_group_range/,
  );
  assert.match(
    agent.log(),
    /ICMP: no CAP_NET_RAW and net\.ipv4\.ping_group_range excludes our group/,
  );
});
