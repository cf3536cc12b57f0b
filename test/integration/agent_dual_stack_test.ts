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
