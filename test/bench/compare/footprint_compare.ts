/**
 * @module Workload 4: footprint. Idle RSS and start-to-ready time (ours: `/readyz` 200; the peer:
 * blackbox_exporter's `/-/healthy` 200, both from the spawn), RSS at 10,000 ICMP targets every
 * 10 s, and CPU (% of one core, from /proc) at 1,000 TCP targets every 10 s — against
 * blackbox_exporter asked for the same 100 probes/s by the harness.
 */
import {
  cpuWindow,
  farmHost,
  type Figure,
  freePort,
  round,
  rssBytes,
  sleep,
  spawnBundle,
  startBundledAgent,
  waitHttp,
} from "./_common.ts";
import { startTcpFarm } from "./tcp_farm.ts";
import { startBlackboxPeer } from "./_windows.ts";
import { procMemory } from "./proc_memory.ts";

const IDLE_SETTLE_MS = 2000;
const CPU_WINDOW_S = Number(Deno.env.get("BENCH_FOOTPRINT_WINDOW_S") ?? 15);
const MB = 2 ** 20;

/**
 * Ours idle: spawn → /readyz 200, then memory after a settle (RSS, its anonymous and file-backed
 * parts, PSS; `settleMs` longer shows whether it stays).
 */
export async function agentIdle(settleMs = IDLE_SETTLE_MS) {
  const dir = await Deno.makeTempDir({ prefix: "bench_idle_" });
  try {
    const port = freePort();
    await Deno.writeTextFile(
      `${dir}/vmprober.yaml`,
      `agent: {listen: "127.0.0.1:${port}", log: {level: warning, format: json}}
probes: {tcp: {type: tcp}}
targets: []
wal: {dir: ${dir}/wal}
`,
    );
    await using agent = spawnBundle(`${dir}/vmprober.yaml`);
    const readyMs = await waitHttp(`http://127.0.0.1:${port}/readyz`, 20_000, 2);
    await sleep(settleMs);
    return { readyMs, ...procMemory(agent.pid) };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** blackbox_exporter idle: spawn → /-/healthy 200, then RSS after a settle. */
async function blackboxIdle() {
  await using bbe = await startBlackboxPeer(
    "modules:\n  tcp:\n    prober: tcp\n    timeout: 1s\n",
    { prefix: "bench_bbe_idle_", pollMs: 2 },
  );
  await sleep(IDLE_SETTLE_MS);
  const memory = procMemory(bbe.pid);
  // 100 probes/s over 1,000 farm targets, paced by the harness, for the CPU window.
  await using farm = startTcpFarm(1000);
  const cpu = cpuWindow(bbe.pid);
  const t0 = performance.now();
  for (let i = 0; i < CPU_WINDOW_S * 100; i++) {
    const due = t0 + i * 10;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    fetch(`http://127.0.0.1:${bbe.port}/probe?module=tcp&target=${farm.targets[i % 1000]}`)
      .then((r) => r.text()).catch(() => {});
  }
  await sleep(200);
  const { cpuUs, seconds } = cpu();
  return { readyMs: bbe.readyMs, ...memory, cpuPct: cpuUs / 1e4 / seconds };
}

/**
 * The config of the ICMP memory runs: `targets` loopback hosts (127.79.x.y) pinged once every 10 s,
 * the API on `port` (0: any), `wal` the inside of the `wal:` mapping.
 */
export function icmpTargetsConfig(
  o: { targets: number; port: number; logLevel: string; wal: string },
): string {
  const hosts = Array.from({ length: o.targets }, (_, i) => `"${farmHost(79, i)}"`);
  return `
agent: {listen: "127.0.0.1:${o.port}", log: {level: ${o.logLevel}, format: json}}
defaults: {interval: 10s, timeout: 1s}
limits: {concurrency: 2048, global_rate: 50000, per_host_rate: 100}
probes: {icmp: {type: icmp, count: 1}}
targets:
  - static: {targets: [${hosts.join(", ")}]}
    probes: [icmp]
wal: {${o.wal}}
`;
}

/** RSS with 10,000 ICMP targets every 10 s, after every job has run once. */
export async function agentRss10k(): Promise<number> {
  const wal = await Deno.makeTempDir({ prefix: "bench_10k_wal_" });
  try {
    await using agent = await startBundledAgent(
      icmpTargetsConfig({
        targets: 10_000,
        port: 0,
        logLevel: "info",
        wal: `dir: ${wal}, fsync: batch`,
      }),
    );
    await sleep(12_000);
    await agent.metrics(); // a scrape renders all 10,000 series once
    return rssBytes(agent.pid) / MB;
  } finally {
    await Deno.remove(wal, { recursive: true });
  }
}

/** CPU % of one core for 1,000 TCP targets every 10 s. */
async function agentCpu1k(): Promise<number> {
  const wal = await Deno.makeTempDir({ prefix: "bench_1k_wal_" });
  await using farm = startTcpFarm(1000);
  try {
    await using agent = await startBundledAgent(`
agent: {listen: "127.0.0.1:0", log: {level: info, format: json}}
defaults: {interval: 10s, timeout: 1s}
limits: {concurrency: 512, global_rate: 5000, per_host_rate: 100}
probes: {tcp: {type: tcp}}
targets:
  - static: {targets: [${farm.targets.map((t) => `"${t}"`).join(", ")}]}
    probes: [tcp]
wal: {dir: ${wal}, fsync: batch}
`);
    await sleep(3000);
    const cpu = cpuWindow(agent.pid);
    await sleep(CPU_WINDOW_S * 1000);
    const { cpuUs, seconds } = cpu();
    return cpuUs / 1e4 / seconds;
  } finally {
    await Deno.remove(wal, { recursive: true });
  }
}

/** One run of workload 4. */
export async function footprintCompare(): Promise<Figure[]> {
  const peer = await blackboxIdle();
  const idle = await agentIdle();
  const rss10k = await agentRss10k();
  const cpu1k = await agentCpu1k();
  console.error(
    `  footprint ours ${JSON.stringify({ ...idle, rss10k, cpu1k })}\n  blackbox ${
      JSON.stringify(peer)
    }`,
  );
  const w = "footprint";
  const bbe = "blackbox_exporter";
  return [
    {
      workload: w,
      metric: "idle RSS",
      unit: "MB",
      ours: round(idle.rssMb),
      peer: round(peer.rssMb),
      peerName: bbe,
      better: "lower",
      goal: "< 60",
    },
    {
      workload: w,
      metric: "idle RSS: anonymous part",
      unit: "MB",
      ours: round(idle.anonMb),
      peer: round(peer.anonMb),
      peerName: bbe,
      better: "lower",
    },
    {
      workload: w,
      metric: "start to ready",
      unit: "ms",
      ours: round(idle.readyMs, 0),
      peer: round(peer.readyMs, 0),
      peerName: bbe,
      better: "lower",
      goal: "< 300",
    },
    {
      workload: w,
      metric: "RSS at 10,000 ICMP targets / 10 s",
      unit: "MB",
      ours: round(rss10k),
      peer: null,
      peerName: null,
      better: "lower",
      goal: "< 120",
    },
    {
      workload: w,
      metric: "CPU at 1,000 TCP targets / 10 s",
      unit: "% core",
      ours: round(cpu1k, 2),
      peer: round(peer.cpuPct, 2),
      peerName: bbe,
      better: "lower",
      goal: "< 3",
    },
  ];
}
