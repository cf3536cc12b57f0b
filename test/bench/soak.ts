/**
 * Soak (not in CI): the bundled agent on 10,000 loopback TCP targets (a farm of listeners on
 * 127.78.x.y), a config reload every 10 s alternating two target sets (10,000 each, 9,000 shared),
 * VictoriaMetrics stopped and started again every 30 s (down 5 s each time), for SOAK_SECONDS
 * (default 600). Every 10 s it prints RSS, the scheduler lag p99 of the last 10 s, the push
 * backlog; at the end the RSS slope, the lag p99 of the whole run, and samples produced (the
 * agent's own counters: acknowledged + dropped + backlog) against samples delivered (unique
 * samples in VictoriaMetrics, counted by a query after the agent drained). They must be equal.
 *
 * Run: deno task bench:soak   (SOAK_SECONDS=300 for 5 minutes, SOAK_INTERVAL=30s probe interval)
 */
import { sleep } from "./compare/_common.ts";
import { bucketDelta, histogramBuckets, quantile, rssBytes, sumMetric } from "./_metrics.ts";
import { machine } from "./_machine.ts";
import { startFarmSets, startReloadAgent } from "./_reload_agent.ts";
import { startVictoriaMetrics } from "../_support/vm_server.ts";
import { metricValue } from "../_support/agent_process.ts";

const SECONDS = Number(Deno.env.get("SOAK_SECONDS") ?? 600);
const INTERVAL = Deno.env.get("SOAK_INTERVAL") ?? "30s";
const TARGETS = 10_000;

console.log("machine before:", JSON.stringify(machine()));

await using farm = startFarmSets(TARGETS);
const { sets } = farm;
await using vm = await startVictoriaMetrics();
await using agent = await startReloadAgent(sets[0], {
  prefix: "vmprober-soak-",
  interval: INTERVAL,
  extraYaml: (dir) => `wal: {dir: ${dir}/wal}\npush: {url: ${vm.writeUrl}, max_backoff: 2s}\n`,
});
const metrics = agent.metrics;

const LAG = "vmprober_scheduler_lag_seconds";
const t0 = performance.now();
const elapsed = () => (performance.now() - t0) / 1000;
const rss: [number, number][] = [];
const first = await metrics();
let windowStart = histogramBuckets(first, LAG);
let reloads = 0;
const reloadMs: number[] = [];
let reloadFailures = 0;
let vmRestarts = 0;

// VictoriaMetrics: down 5 s every 30 s.
const chaos = (async () => {
  while (elapsed() < SECONDS - 30) {
    await sleep(25_000);
    await vm.stop();
    await sleep(5_000);
    await vm.start();
    vmRestarts++;
  }
})();

for (let tick = 1; elapsed() < SECONDS; tick++) {
  // Every 10 s; a reload that took longer than that skips the ticks it missed (no catch-up burst).
  tick = Math.max(tick, Math.ceil((performance.now() - t0) / 10_000));
  await sleep(Math.max(0, tick * 10_000 - (performance.now() - t0)));
  await agent.write(sets[tick % 2]!);
  const r = await agent.reload();
  reloadMs.push(r.ms);
  reloads++;
  if (!r.ok) reloadFailures++;
  const text = await metrics();
  const buckets = histogramBuckets(text, LAG);
  const p99 = quantile(bucketDelta(buckets, windowStart), 0.99);
  windowStart = buckets;
  const mb = rssBytes(agent.pid) / 2 ** 20;
  rss.push([elapsed(), mb]);
  console.log(
    `t=${elapsed().toFixed(0)}s reload=${reloadMs.at(-1)!.toFixed(0)}ms rss=${
      mb.toFixed(1)
    }MB lag_p99=${(p99 * 1000).toFixed(1)}ms ` +
      `backlog=${metricValue(text, "vmprober_push_backlog_samples")} jobs=${
        metricValue(text, "vmprober_scheduler_jobs")
      } skipped=${sumMetric(text, "vmprober_probes_skipped_total")}`,
  );
}
await chaos;

// Drain: no more targets, VictoriaMetrics up, wait for an empty backlog.
await agent.write([]);
await agent.reload();
// Settled: backlog 0 and the acknowledged count unchanged over 3 s (the last probes are done).
let end = await metrics();
for (let i = 0, still = 0; i < 600 && still < 6; i++) {
  await sleep(500);
  const next = await metrics();
  const same = sumMetric(next, "vmprober_push_samples_total") ===
    sumMetric(end, "vmprober_push_samples_total");
  still = same && metricValue(next, "vmprober_push_backlog_samples") === 0 ? still + 1 : 0;
  end = next;
}
const acked = sumMetric(end, "vmprober_push_samples_total");
const dropped = sumMetric(end, "vmprober_push_dropped_samples_total");
const backlog = metricValue(end, "vmprober_push_backlog_samples") ?? NaN;
await vm.flush();
await sleep(2_000);
const q = encodeURIComponent('sum(count_over_time({__name__=~".+"}[1d]))');
const answer = await (await fetch(`${vm.base}/api/v1/query?query=${q}`)).json();
/** Samples queries see (stale markers, the NaNs of ended series, are not counted by them). */
const visible = Number(answer.data.result[0]?.value[1] ?? 0);
// Every stored sample, stale markers too: the timestamps of a raw export.
const exported = await (await fetch(
  `${vm.base}/api/v1/export?match[]=${encodeURIComponent('{__name__=~".+"}')}`,
)).text();
let delivered = 0;
for (const line of exported.split("\n")) {
  const ts = /"timestamps":\[([^\]]*)\]/.exec(line)?.[1];
  if (ts) delivered += ts.split(",").length;
}
const ackedAfter = sumMetric(await metrics(), "vmprober_push_samples_total");
if (ackedAfter !== acked) {
  console.log(`warning: ${ackedAfter - acked} samples acked while counting`);
}

// RSS slope after the first minute (warm-up), least squares, MB per minute.
const tail = rss.filter(([t]) => t >= 60);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const mt = mean(tail.map(([t]) => t));
const mr = mean(tail.map(([, r]) => r));
const slope = tail.reduce((s, [t, r]) => s + (t - mt) * (r - mr), 0) /
  tail.reduce((s, [t]) => s + (t - mt) ** 2, 0) * 60;
const lagP99 = quantile(
  bucketDelta(histogramBuckets(end, LAG), histogramBuckets(first, LAG)),
  0.99,
);
const result = {
  seconds: Math.round(elapsed()),
  targets: TARGETS,
  interval: INTERVAL,
  reloads,
  reloadFailures,
  reloadMsMedian: Math.round([...reloadMs].sort((a, b) => a - b)[reloadMs.length >> 1] ?? NaN),
  reloadMsMax: Math.round(Math.max(...reloadMs)),
  vmRestarts,
  rssFirstMB: Math.round(rss[0]![1]),
  rssMaxMB: Math.round(Math.max(...rss.map(([, r]) => r))),
  rssLastMB: Math.round(rss.at(-1)![1]),
  rssSlopeMBPerMin: Math.round(slope * 100) / 100,
  lagP99Ms: Math.round(lagP99 * 10_000) / 10,
  skipped: sumMetric(end, "vmprober_probes_skipped_total"),
  produced: acked + dropped + backlog,
  acked,
  dropped,
  delivered,
  staleMarkers: delivered - visible,
  equal: acked + dropped + backlog === delivered && dropped === 0,
};
console.log("soak:", JSON.stringify(result));
console.log("machine after:", JSON.stringify(machine()));
await agent[Symbol.asyncDispose]();
if (!result.equal) Deno.exit(1);
