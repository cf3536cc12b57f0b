/**
 * ICMP benchmarks against loopback (every 127.x.y.z answers on Linux):
 * - the real agent process with 1,000 ICMP targets on 127.0.0.0/8, 1 s interval, `count: 1`:
 *   scheduler lag p99 (from `vmprober_scheduler_lag_seconds` between two scrapes) and loss;
 * - on the same run, the agent's RTT median to 127.0.0.1 (a module with `count: 20`,
 *   `packet_interval: 100ms`) next to `fping -C 20 -p 100 127.0.0.1`'s median;
 * - the socket helper alone: 20,000 echoes to 127.0.0.1 as fast as a 1 ms spacing allows
 *   (the SPEC §7.3 naive-helper figures: 0.7 % loss, 1.3 ms median).
 *
 * Run: deno bench -A --unstable-net test/bench/icmp_bench.ts
 */
import { metricValue, startAgentProcess, waitFor, writeConfig } from "../_support/agent_process.ts";
import { createIcmpProbe } from "../../src/probes/icmp/icmp_probe.ts";
import { tempDirUntilExit } from "../_support/temp_dir.ts";
import { median } from "./_metrics.ts";

const TARGETS = 1000;
const WARMUP_S = 5;
const MEASURE_S = 20;

/** Cumulative lag buckets `le → count` from a /metrics text. */
function lagBuckets(text: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const line of text.split("\n")) {
    const m = /^vmprober_scheduler_lag_seconds_bucket\{.*le="([^"]+)".*\} (\S+)$/.exec(line);
    if (m) out.set(m[1] === "+Inf" ? Infinity : Number(m[1]), Number(m[2]));
  }
  return out;
}

/** The smallest bucket bound holding 99 % of the observations made between two scrapes. */
function p99Bound(before: Map<number, number>, after: Map<number, number>): [number, number] {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
  for (const le of bounds) {
    if ((after.get(le)! - (before.get(le) ?? 0)) >= 0.99 * total) return [le, total];
  }
  return [Infinity, total];
}

async function fpingMedianUs(): Promise<number> {
  const out = await new Deno.Command("fping", {
    args: ["-C", "20", "-p", "100", "-q", "127.0.0.1"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stderr);
  const values = text.split(":")[1]!.trim().split(/\s+/).filter((v) => v !== "-").map(Number);
  return median(values) * 1000;
}

Deno.bench({
  name: `agent: ${TARGETS} ICMP targets on 127.0.0.0/8 at 1 s, count 1`,
  n: 1,
  warmup: 0,
  async fn(b) {
    const targets = Array.from(
      { length: TARGETS },
      (_, i) => `"127.1.${Math.floor(i / 250)}.${(i % 250) + 1}"`,
    );
    const config = await writeConfig(`
agent:
  listen: 127.0.0.1:0
  log: {level: info, format: json}
defaults: {interval: 1s, timeout: 900ms}
limits: {concurrency: 2048, global_rate: 5000, per_host_rate: 50}
probes:
  icmp: {type: icmp, count: 1}
  icmp_ref: {type: icmp, count: 20, packet_interval: 100ms, interval: 3s, timeout: 2500ms}
targets:
  - static: {targets: [${targets.join(",")}]}
    probes: [icmp]
  - static: {targets: ["127.0.0.1"]}
    probes: [icmp_ref]
wal: {dir: ${await tempDirUntilExit({ prefix: "icmp_bench_wal_" })}}
`);
    await using agent = await startAgentProcess(config);
    await new Promise((r) => setTimeout(r, WARMUP_S * 1000));
    b.start();
    const before = await agent.metrics();
    const agentMedians: number[] = [];
    const fpingMedians: number[] = [];
    const end = Date.now() + MEASURE_S * 1000;
    while (Date.now() < end) {
      const [fping, m] = await Promise.all([
        fpingMedianUs(),
        waitFor(
          "a fresh icmp_ref run",
          () => new Promise((r) => setTimeout(r, 2100)).then(agent.metrics),
        ),
      ]);
      fpingMedians.push(fping);
      const v = metricValue(m, "vmprober_icmp_rtt_seconds", { probe: "icmp_ref", stat: "median" });
      if (v !== undefined) agentMedians.push(v * 1e6);
    }
    const after = await agent.metrics();
    b.end();
    const [p99, observations] = p99Bound(lagBuckets(before), lagBuckets(after));
    let sent = 0;
    let received = 0;
    for (const line of after.split("\n")) {
      if (!line.includes('probe="icmp"')) continue;
      if (line.startsWith("vmprober_icmp_packets_sent_total")) {
        sent += Number(line.split(" ").at(-1));
      }
      if (line.startsWith("vmprober_icmp_packets_received_total")) {
        received += Number(line.split(" ").at(-1));
      }
    }
    console.log(
      `agent: ${observations} probe starts in ${MEASURE_S} s; scheduler lag p99 <= ${
        p99 * 1000
      } ms; ` +
        `${sent} sent, ${received} received (loss ${((1 - received / sent) * 100).toFixed(3)} %)`,
    );
    console.log(
      `RTT median to 127.0.0.1 (µs): agent ${agentMedians.map((v) => v.toFixed(1)).join(" ")} | ` +
        `fping ${fpingMedians.map((v) => v.toFixed(1)).join(" ")} | median of medians: agent ` +
        `${median(agentMedians).toFixed(1)}, fping ${median(fpingMedians).toFixed(1)}`,
    );
  },
});

Deno.bench({
  name: "socket helper: 20,000 echoes to 127.0.0.1",
  n: 1,
  warmup: 0,
  async fn(b) {
    await using probe = createIcmpProbe({ helper: "socket" });
    const helper = probe.helper("socket");
    b.start();
    const started = performance.now();
    // 200 runs of 100 echoes each, 20 at a time: ~7,000/s.
    const rtts: number[] = [];
    let sent = 0;
    for (let wave = 0; wave < 10; wave++) {
      const runs = await Promise.all(
        Array.from(
          { length: 20 },
          () =>
            helper.run("127.0.0.1", 4, { count: 100, intervalMs: 1, size: 56, timeoutMs: 2000 }),
        ),
      );
      for (const r of runs) {
        sent += r.sent;
        rtts.push(...r.rttsSeconds);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    b.end();
    console.log(
      `socket helper: ${sent} sent in ${seconds.toFixed(2)} s (${Math.round(sent / seconds)}/s), ` +
        `${rtts.length} received (loss ${((1 - rtts.length / sent) * 100).toFixed(3)} %), ` +
        `RTT median ${(median(rtts) * 1e6).toFixed(1)} µs`,
    );
  },
});
