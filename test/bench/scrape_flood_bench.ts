/**
 * A flood of concurrent `/metrics` requests against an agent with N targets: answers by status,
 * time to the last answer, resident memory before and at peak, the slowest /healthz (polled by
 * curl from another process) and scheduler figures during the flood.
 * Run: `deno bench -A --unstable-net test/bench/scrape_flood_bench.ts` (BENCH_TARGETS=2000,
 * BENCH_SCRAPERS=1000, BENCH_DEADLINE_S=300, BENCH_ENTRY=dist/vmprober.js for the bundle).
 * Bounded: one flood, every request aborted at the deadline.
 */
import { startAgentProcess, waitFor, writeConfig } from "../_support/agent_process.ts";
import { closedPort } from "../_support/tcp_servers.ts";
import { watchHealth } from "../_support/health_watch.ts";
import { histogramWindow, quantile, rssBytes, sumMetric } from "./_metrics.ts";
import { tempDirUntilExit } from "../_support/temp_dir.ts";

const N = Number(Deno.env.get("BENCH_TARGETS") ?? 2000);
const SCRAPERS = Number(Deno.env.get("BENCH_SCRAPERS") ?? 1000);
const DEADLINE_S = Number(Deno.env.get("BENCH_DEADLINE_S") ?? 300);
const ENTRY = Deno.env.get("BENCH_ENTRY");

/** Reads a body to its end, counting bytes only. */
async function drain(body: ReadableStream<Uint8Array>): Promise<number> {
  let bytes = 0;
  for await (const chunk of body) bytes += chunk.length;
  return bytes;
}

async function run() {
  const port = closedPort();
  const targets = Array.from(
    { length: N },
    (_, i) => `"127.0.${1 + Math.floor(i / 250) % 250}.${1 + (i % 250)}:${port}"`,
  );
  const config = await writeConfig(`
agent: {listen: "127.0.0.1:0", log: {format: json}}
defaults: {interval: 5s, timeout: 1s}
limits: {per_host_rate: 100}
probes: {tcp: {type: tcp}}
targets:
  - static: {targets: [${targets.join(", ")}], labels: {role: "${"r".repeat(60)}"}}
    probes: [tcp]
wal: {dir: ${await tempDirUntilExit()}}
`);
  await using agent = await startAgentProcess(config, ENTRY ? { entry: ENTRY } : {});
  const page = await waitFor("every target's result", async () => {
    const text = await (await fetch(`${agent.url}/metrics`)).text();
    return (text.match(/^probe_success\{/gm)?.length ?? 0) === N ? text : undefined;
  }, 60_000);
  const pageBytes = new TextEncoder().encode(page).length;
  const before = page;
  const rss0 = rssBytes(agent.child.pid);
  let peak = rss0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(agent.child.pid))), 50);
  const health = watchHealth(agent.url);
  const deadline = AbortSignal.timeout(DEADLINE_S * 1000);
  const t0 = performance.now();
  let lastAnswerMs = 0;
  const statuses = await Promise.all(Array.from({ length: SCRAPERS }, async () => {
    try {
      const res = await fetch(`${agent.url}/metrics`, { signal: deadline });
      const bytes = await drain(res.body!);
      lastAnswerMs = Math.max(lastAnswerMs, performance.now() - t0);
      return res.status === 200 && bytes < pageBytes * 0.9 ? "cut" : String(res.status);
    } catch {
      return "unanswered";
    }
  })).finally(() => clearInterval(sampler));
  const healthFigures = await health.stop();
  const after = await (await fetch(`${agent.url}/metrics`)).text();
  const count = (s: string) => statuses.filter((x) => x === s).length;
  const lag = histogramWindow(before, after, "vmprober_scheduler_lag_seconds");
  const report = {
    targets: N,
    page_mb: +(pageBytes / 1e6).toFixed(1),
    scrapers: SCRAPERS,
    ok_200: count("200"),
    busy_503: count("503"),
    cut: count("cut"),
    unanswered: count("unanswered"),
    last_answer_s: +(lastAnswerMs / 1000).toFixed(2),
    rss_before_mb: +(rss0 / 1e6).toFixed(1),
    rss_peak_mb: +(peak / 1e6).toFixed(1),
    healthz_worst_ms: Math.round(healthFigures.worstMs),
    healthz_late: healthFigures.late,
    overrun_skips: sumMetric(after, "vmprober_probes_skipped_total") -
      sumMetric(before, "vmprober_probes_skipped_total"),
    lag_p99_ms: +(quantile(lag, 0.99) * 1000).toFixed(1),
  };
  console.log(JSON.stringify(report));
  return report;
}

Deno.bench(
  { name: `agent: ${SCRAPERS} concurrent scrapes of ${N} targets`, n: 1, warmup: 0 },
  async () => {
    await run();
  },
);
