/**
 * @module Workload 1: TCP connect to 1,000 targets on distinct 127.x.y.z addresses. We run the
 * bundled agent at increasing rates (1,000 targets at 1 s, 200 ms, 100 ms); blackbox_exporter is
 * driven by wrk at its maximum through `/probe?module=tcp&target=…` rotating over the same farm.
 * Figures: probes/s, CPU µs per probe (from /proc of each process), scheduler lag p99, failures;
 * then the same at 10,000/s to a port nobody listens on (every probe refused), blackbox_exporter
 * driven the same way to it.
 */
import { cpuWindow, type Figure, figuresOf, round } from "./_common.ts";
import { startTcpFarm } from "./tcp_farm.ts";
import { agentWindow, startBlackboxPeer } from "./_windows.ts";
import { tcpRunFigures } from "./tcp_run_figures.ts";
import { histogramWindow, quantile, sumMetric, sumWhere } from "../_metrics.ts";

const TARGETS = 1000;
const WARMUP_S = Number(Deno.env.get("BENCH_WARMUP_S") ?? 4);
const WINDOW_S = Number(Deno.env.get("BENCH_WINDOW_S") ?? 8);
/** The closed-port run's interval: 10,000 probes/s over 1,000 targets. */
const CLOSED_INTERVAL_MS = Number(Deno.env.get("BENCH_TCP_CLOSED_INTERVAL") ?? 100);
/** Intervals to run the agent at: 1,000 / 5,000 / 10,000 probes/s over 1,000 targets. */
const INTERVALS_MS = (Deno.env.get("BENCH_TCP_INTERVALS") ?? "1000,200,100").split(",").map(
  Number,
);

/** One agent run at `intervalMs`: rate, CPU per probe, lag, failures. */
export async function agentTcpRun(targets: string[], intervalMs: number) {
  const { before, after, cpuUs, seconds } = await agentWindow((wal) => `
agent: {listen: "127.0.0.1:0", log: {level: info, format: json}}
defaults: {interval: ${intervalMs}ms, timeout: 1s}
limits: {concurrency: 2048, global_rate: 50000, per_host_rate: 1000}
probes: {tcp: {type: tcp}}
targets:
  - static: {targets: [${targets.map((t) => `"${t}"`).join(", ")}]}
    probes: [tcp]
wal: {dir: ${wal}, fsync: batch}
`, { prefix: "bench_tcp_wal_", warmupMs: WARMUP_S * 1000, windowMs: WINDOW_S * 1000 });
  const probes = sumMetric(after, "vmprober_probes_total") -
    sumMetric(before, "vmprober_probes_total");
  const ok = sumWhere(after, "vmprober_probes_total", 'result="success"') -
    sumWhere(before, "vmprober_probes_total", 'result="success"');
  const lag = histogramWindow(before, after, "vmprober_scheduler_lag_seconds");
  const skipped = sumMetric(after, "vmprober_probes_skipped_total") -
    sumMetric(before, "vmprober_probes_skipped_total");
  return {
    intervalMs,
    planned: TARGETS * 1000 / intervalMs,
    probesPerS: probes / seconds,
    cpuUsPerProbe: cpuUs / Math.max(1, probes),
    cpuPct: cpuUs / 1e4 / seconds,
    lagP50Ms: quantile(lag, 0.5) * 1000,
    lagP99Ms: quantile(lag, 0.99) * 1000,
    failed: probes - ok,
    skipped,
  };
}

const WRK_SCRIPT = (port: number, n: number) => `
local i = 0
fails = 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
function request()
  i = (i + 1) % ${n}
  local host = "127.77." .. math.floor(i / 250) .. "." .. (i % 250 + 1)
  return wrk.format("GET", "/probe?module=tcp&target=" .. host .. ":${port}")
end
function response(status, headers, body)
  if status ~= 200 or not string.find(body, "probe_success 1", 1, true) then fails = fails + 1 end
end
function done(summary, latency, requests)
  local f = 0
  for _, t in ipairs(threads) do f = f + t:get("fails") end
  io.write("FAILS " .. f .. "\\n")
end
`;

/** blackbox_exporter driven by wrk at its maximum over the same farm. */
export async function blackboxTcpRun(farmPort: number) {
  await using bbe = await startBlackboxPeer(
    "modules:\n  tcp:\n    prober: tcp\n    timeout: 1s\n",
    { prefix: "bench_bbe_" },
  );
  await Deno.writeTextFile(`${bbe.dir}/wrk.lua`, WRK_SCRIPT(farmPort, TARGETS));
  const wrk = (seconds: number) =>
    new Deno.Command("wrk", {
      args: [
        "-t2",
        "-c32",
        `-d${seconds}s`,
        "-s",
        `${bbe.dir}/wrk.lua`,
        `http://127.0.0.1:${bbe.port}`,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
  await wrk(2); // warm-up
  const cpu = cpuWindow(bbe.pid);
  const out = await wrk(WINDOW_S);
  const { cpuUs } = cpu();
  const text = new TextDecoder().decode(out.stdout);
  const m = /(\d+) requests in ([\d.]+)(m?s)/.exec(text);
  const requests = Number(m?.[1] ?? NaN);
  const seconds = m ? Number(m[2]) / (m[3] === "ms" ? 1000 : 1) : NaN;
  const fails = Number(/FAILS (\d+)/.exec(text)?.[1] ?? NaN);
  if (!Number.isFinite(requests)) throw new Error(`Cannot read wrk output:\n${text}`);
  return {
    probesPerS: requests / seconds,
    cpuUsPerProbe: cpuUs / requests,
    failed: fails,
  };
}

/** One run of workload 1: figures for the table. */
export async function tcpCompare(): Promise<Figure[]> {
  await using farm = startTcpFarm(TARGETS);
  const peer = await blackboxTcpRun(farm.port);
  const runs = [];
  for (const interval of INTERVALS_MS) {
    const r = await agentTcpRun(farm.targets, interval);
    console.error(`  tcp @${r.planned}/s: ${JSON.stringify(r)}`);
    runs.push(r);
  }
  console.error(`  blackbox_exporter: ${JSON.stringify(peer)}`);
  // Closed ports (every probe refused): the farm's addresses on a port nobody listens on.
  const closedPort = farm.port === 9 ? 10 : 9;
  const closedTargets = farm.targets.map((t) => t.replace(/:\d+$/, `:${closedPort}`));
  const closed = await agentTcpRun(closedTargets, CLOSED_INTERVAL_MS);
  const closedPeer = await blackboxTcpRun(closedPort);
  console.error(
    `  tcp closed @${closed.planned}/s: ${JSON.stringify(closed)}\n  blackbox_exporter closed: ${
      JSON.stringify(closedPeer)
    }`,
  );
  const w = "tcp 1,000 targets";
  const bbe = "blackbox_exporter";
  const figures: Figure[] = [];
  const wc = "tcp 1,000 closed ports";
  figures.push(
    ...tcpRunFigures(wc, closed, closedPeer, { rateAgainstPeer: true, zero: "skipped" }),
  );
  for (const r of runs) {
    figures.push(...tcpRunFigures(w, r, peer, { rateAgainstPeer: false, zero: "failed+skipped" }));
  }
  const top = runs.reduce((a, b) => (b.probesPerS > a.probesPerS ? b : a));
  const f = figuresOf(w, bbe);
  figures.push(
    f(
      "max probes/s sustained",
      "/s",
      round(top.probesPerS, 0),
      round(peer.probesPerS, 0),
      "higher",
      ">= 10000",
    ),
    f("peer failed probes at max", "", top.failed, peer.failed, "lower"),
  );
  return figures;
}
