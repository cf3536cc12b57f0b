/**
 * The agent probing N loopback TCP listeners at 1 s: sustained probes/s, scheduler lag p50/p99,
 * RSS. Run: `deno bench -A test/bench/tcp_agent_bench.ts` (BENCH_TARGETS, BENCH_SECONDS, BENCH_ENTRY).
 * Bounded: N listeners, a fixed window, then everything stops.
 */
import { startAgentProcess, writeConfig } from "../_support/agent_process.ts";
import { tcpPeer } from "../_support/tcp_servers.ts";
import { cpuSeconds, histogramWindow, quantile, rssBytes, sumMetric } from "./_metrics.ts";
import { tempDirUntilExit } from "../_support/temp_dir.ts";

const N = Number(Deno.env.get("BENCH_TARGETS") ?? 1000);
const SECONDS = Number(Deno.env.get("BENCH_SECONDS") ?? 15);
/** BENCH_ENTRY=dist/vmprober.js runs the bundle (as the binary would) instead of src/main.ts. */
const ENTRY = Deno.env.get("BENCH_ENTRY");

async function run() {
  const peers = Array.from({ length: N }, () => tcpPeer());
  try {
    const config = await writeConfig(`
agent: {listen: "127.0.0.1:0", log: {level: info, format: json}}
defaults: {interval: 1s, timeout: 1s}
limits: {concurrency: 512, global_rate: 5000, per_host_rate: 5000}
probes: {tcp: {type: tcp}}
targets:
  - static: {targets: [${peers.map((p) => `"127.0.0.1:${p.port}"`).join(", ")}]}
    probes: [tcp]
wal: {dir: ${await tempDirUntilExit()}, fsync: batch}
`);
    await using agent = await startAgentProcess(config, {
      ...(ENTRY ? { entry: ENTRY } : {}),
      env: Deno.env.get("BENCH_MALLOC_ARENA_MAX")
        ? { MALLOC_ARENA_MAX: Deno.env.get("BENCH_MALLOC_ARENA_MAX")! }
        : undefined,
    });
    await new Promise((r) => setTimeout(r, 3000)); // warm-up: every job has fired at least twice
    const before = await agent.metrics();
    const cpu0 = cpuSeconds(agent.child.pid);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const after = await agent.metrics();
    const elapsed = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds(agent.child.pid) - cpu0;
    const probes = sumMetric(after, "vmprober_probes_total") -
      sumMetric(before, "vmprober_probes_total");
    const lag = histogramWindow(before, after, "vmprober_scheduler_lag_seconds");
    const report = {
      targets: N,
      window_s: Math.round(elapsed * 10) / 10,
      probes_per_s: Math.round(probes / elapsed),
      success_ratio: sumMetric(after, "probe_success") / N,
      lag_p50_ms: +(quantile(lag, 0.5) * 1000).toFixed(2),
      lag_p99_ms: +(quantile(lag, 0.99) * 1000).toFixed(2),
      rss_mb: +(rssBytes(agent.child.pid) / 2 ** 20).toFixed(1),
      cpu_us_per_probe: Math.round((cpu / probes) * 1e6),
      skipped: sumMetric(after, "vmprober_probes_skipped_total"),
    };
    console.log(JSON.stringify(report));
    return report;
  } finally {
    await Promise.all(peers.map((p) => p[Symbol.asyncDispose]()));
  }
}

Deno.bench(
  { name: `agent: ${N} TCP targets at 1s`, n: 1, warmup: 0, permissions: "inherit" },
  async () => {
    await run();
  },
);
