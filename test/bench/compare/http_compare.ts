/**
 * @module Workload http: the same loopback HTTP server probed with blackbox_exporter's `http_2xx`
 * (driven through `/probe` by 16 concurrent fetch loops) and by the bundled agent (200 URL targets
 * at 200 ms = 1,000 probes/s, then 100 ms = 2,000/s). Figures: CPU µs per probe of each process
 * (from /proc), probes/s, failures.
 */
import { cpuWindow, type Figure, figuresOf, round } from "./_common.ts";
import { agentWindow, startBlackboxPeer } from "./_windows.ts";
import { sumMetric, sumWhere } from "../_metrics.ts";

const TARGETS = 200;
const WARMUP_S = Number(Deno.env.get("BENCH_WARMUP_S") ?? 3);
const WINDOW_S = Number(Deno.env.get("BENCH_WINDOW_S") ?? 8);
const LOOPS = 16;

/** The loopback server both probe: a small 200 answer. */
function startServer() {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response("ok\n", { headers: { "content-type": "text/plain" } }),
  );
  return { port: server.addr.port, [Symbol.asyncDispose]: () => server.shutdown() };
}

/** The agent probing `TARGETS` URLs every `intervalMs`. */
async function agentRun(port: number, intervalMs: number) {
  const targets = Array.from(
    { length: TARGETS },
    (_, i) => `"http://127.0.0.1:${port}/ok?n=${i}"`,
  );
  const { before, after, cpuUs, seconds } = await agentWindow((wal) => `
agent: {listen: "127.0.0.1:0", log: {level: warning, format: json}}
defaults: {interval: ${intervalMs}ms, timeout: 2s}
limits: {concurrency: 1024, global_rate: 50000, per_host_rate: 50000}
probes: {http_2xx: {type: http}}
targets:
  - static: {targets: [${targets.join(", ")}]}
    probes: [http_2xx]
wal: {dir: ${wal}, fsync: batch}
`, { prefix: "bench_http_wal_", warmupMs: WARMUP_S * 1000, windowMs: WINDOW_S * 1000 });
  const probes = sumMetric(after, "vmprober_probes_total") -
    sumMetric(before, "vmprober_probes_total");
  const count = (t: string) => sumWhere(t, "vmprober_probes_total", 'result="success"');
  return {
    planned: TARGETS * 1000 / intervalMs,
    probesPerS: probes / seconds,
    cpuUsPerProbe: cpuUs / Math.max(1, probes),
    failed: probes - (count(after) - count(before)),
  };
}

/** blackbox_exporter's http_2xx through /probe, as fast as `LOOPS` loops go. */
async function blackboxRun(port: number) {
  await using bbe = await startBlackboxPeer(
    "modules:\n  http_2xx:\n    prober: http\n    timeout: 2s\n",
    { prefix: "bench_bbe_http_" },
  );
  let requests = 0;
  let failed = 0;
  const drive = async (until: number) => {
    for (let i = 0; performance.now() < until; i++) {
      const target = encodeURIComponent(`http://127.0.0.1:${port}/ok?n=${i % TARGETS}`);
      const r = await fetch(`http://127.0.0.1:${bbe.port}/probe?module=http_2xx&target=${target}`);
      const text = await r.text();
      requests++;
      if (!text.includes("probe_success 1")) failed++;
    }
  };
  const loops = (s: number) =>
    Promise.all(Array.from({ length: LOOPS }, () => drive(performance.now() + s * 1000)));
  await loops(WARMUP_S);
  requests = failed = 0;
  const cpu = cpuWindow(bbe.pid);
  await loops(WINDOW_S);
  const { cpuUs, seconds } = cpu();
  return { probesPerS: requests / seconds, cpuUsPerProbe: cpuUs / requests, failed };
}

/** One run of the workload: figures for the table. */
export async function httpCompare(): Promise<Figure[]> {
  await using server = startServer();
  const peer = await blackboxRun(server.port);
  console.error(`  blackbox_exporter http_2xx: ${JSON.stringify(peer)}`);
  const f = figuresOf("http_2xx, 200 URL targets", "blackbox_exporter");
  const figures: Figure[] = [];
  for (const interval of [200, 100]) {
    const r = await agentRun(server.port, interval);
    console.error(`  http @${r.planned}/s: ${JSON.stringify(r)}`);
    figures.push(
      f(
        `CPU per probe @ ${r.planned}/s`,
        "µs",
        round(r.cpuUsPerProbe, 1),
        round(peer.cpuUsPerProbe, 1),
        "lower",
        `<= ${round(peer.cpuUsPerProbe / 3, 1)} (1/3 of peer)`,
      ),
      f(
        `probes/s @ ${r.planned}/s`,
        "/s",
        round(r.probesPerS, 0),
        round(peer.probesPerS, 0),
        "higher",
      ),
      f(`failed probes @ ${r.planned}/s`, "", r.failed, peer.failed, "lower", "== 0"),
    );
  }
  return figures;
}
