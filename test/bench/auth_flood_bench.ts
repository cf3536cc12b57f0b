/**
 * A flood of bad passwords against the agent's basic auth (cost-10 bcrypt hash): FLOOD concurrent
 * clients send wrong passwords for SECONDS while a cached good client polls /healthz every 50 ms.
 * Reports /healthz latency (p50, p99, max), answers by status and the scheduler lag p99 of a TCP
 * job at 200 ms. Run: `deno bench -A --unstable-net test/bench/auth_flood_bench.ts`
 * (BENCH_FLOOD, BENCH_SECONDS). Bounded: a fixed window, then every client stops.
 */
import bcrypt from "bcryptjs";
import { startAgentProcess, writeConfig } from "../_support/agent_process.ts";
import { tcpPeer } from "../_support/tcp_servers.ts";
import { histogramWindow, quantile } from "./_metrics.ts";

const FLOOD = Number(Deno.env.get("BENCH_FLOOD") ?? 16);
const SECONDS = Number(Deno.env.get("BENCH_SECONDS") ?? 10);

async function run() {
  await using peer = tcpPeer();
  const dir = await Deno.makeTempDir({ prefix: "vmprober-bench-auth-" });
  await Deno.writeTextFile(
    `${dir}/web.yml`,
    `basic_auth_users:\n  prom: "${bcrypt.hashSync("good", 10)}"\n`,
  );
  const config = await writeConfig(
    `
agent: {listen: "127.0.0.1:0", log: {level: info, format: json}}
defaults: {interval: 200ms, timeout: 150ms}
probes: {t: {type: tcp, port: ${peer.port}}}
targets: [{static: {targets: ["127.0.0.1"]}, probes: [t]}]
wal: {dir: ${dir}/wal}
`,
    dir,
  );
  await using agent = await startAgentProcess(config, {
    args: ["--web.config.file", `${dir}/web.yml`],
    startTimeoutMs: 60_000,
  });
  const call = async (path: string, password: string) => {
    const res = await fetch(agent.url + path, {
      headers: { Authorization: `Basic ${btoa(`prom:${password}`)}` },
    });
    const text = await res.text();
    return { status: res.status, text };
  };
  await call("/healthz", "good"); // cached from here on
  const before = (await call("/metrics", "good")).text;
  const end = performance.now() + SECONDS * 1000;
  const statuses: Record<number, number> = {};
  const flood = Array.from({ length: FLOOD }, async (_, i) => {
    for (let n = 0; performance.now() < end; n++) {
      const { status } = await call("/healthz", `bad-${i}-${n}`);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  });
  const latencies: number[] = [];
  while (performance.now() < end) {
    const t = performance.now();
    await call("/healthz", "good");
    latencies.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 50));
  }
  await Promise.all(flood);
  const after = (await call("/metrics", "good")).text;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    +latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(1);
  const lag = histogramWindow(before, after, "vmprober_scheduler_lag_seconds");
  const report = {
    flood_clients: FLOOD,
    window_s: SECONDS,
    answers: statuses,
    healthz_ms: { n: latencies.length, p50: at(0.5), p99: at(0.99), max: at(1) },
    scheduler_lag_p99_ms: +(quantile(lag, 0.99) * 1000).toFixed(1),
  };
  console.log(JSON.stringify(report));
  await Deno.remove(dir, { recursive: true });
}

Deno.bench(
  {
    name: `basic auth: ${FLOOD} clients of bad passwords`,
    n: 1,
    warmup: 0,
    permissions: "inherit",
  },
  async () => {
    await run();
  },
);
