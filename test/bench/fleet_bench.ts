/**
 * Fleet benchmark (not in CI): FLEET_AGENTS bundled agent processes (default 20), each probing
 * the same FLEET_TARGETS loopback TCP listeners (default 1,000, a farm on 127.79.x.y) every
 * FLEET_INTERVAL (default 10s) with its own `agent` label, all pushing into one VictoriaMetrics on
 * this machine, for FLEET_SECONDS (default 120) after a warm-up of one interval. Then every agent's
 * targets are removed by a reload, each drains, and the bench prints per-agent CPU and RSS, the
 * ingest rate VictoriaMetrics saw, bytes per sample on the wire (the agents'
 * `vmprober_push_bytes_total`) and on disk (VictoriaMetrics' data directory after a flush), and
 * the count check: samples acknowledged by the agents = unique samples `/api/v1/export` returns
 * (stale markers of the removed targets included) ≤ rows VictoriaMetrics received (the rest:
 * batches delivered twice, at-least-once), none dropped, no backlog left.
 *
 * Run: deno task bundle && deno run -A --unstable-net test/bench/fleet_bench.ts
 *   (FLEET_AGENTS=5 FLEET_TARGETS=200 FLEET_SECONDS=30 for a quick look)
 */
import { startTcpFarm } from "./compare/tcp_farm.ts";
import { round, sleep } from "./compare/_common.ts";
import { cpuSeconds, median, rssBytes, sumMetric } from "./_metrics.ts";
import { machine } from "./_machine.ts";
import { type ReloadAgent, spawnReloadAgent } from "./_reload_agent.ts";
import { startVictoriaMetrics } from "../_support/vm_server.ts";

const AGENTS = Number(Deno.env.get("FLEET_AGENTS") ?? 20);
const TARGETS = Number(Deno.env.get("FLEET_TARGETS") ?? 1000);
const SECONDS = Number(Deno.env.get("FLEET_SECONDS") ?? 120);
const INTERVAL_S = Number((Deno.env.get("FLEET_INTERVAL") ?? "10s").replace(/s$/, ""));

console.log("machine before:", JSON.stringify(machine()));

async function dirBytes(dir: string): Promise<number> {
  let n = 0;
  for await (const e of Deno.readDir(dir)) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory) n += await dirBytes(p);
    else if (e.isFile) n += (await Deno.stat(p)).size;
  }
  return n;
}

/**
 * Samples of every series as `/api/v1/export` streams them (stale markers and NaNs included; one
 * per timestamp, VictoriaMetrics deduplicating).
 */
async function exportedSamples(base: string): Promise<number> {
  const r = await fetch(`${base}/api/v1/export?match[]=${encodeURIComponent('{__name__=~".+"}')}`);
  let n = 0;
  let rest = "";
  for await (const chunk of r.body!.pipeThrough(new TextDecoderStream())) {
    const lines = (rest + chunk).split("\n");
    rest = lines.pop()!;
    for (const l of lines) {
      if (l) n += (JSON.parse(l.replace(/\bNaN\b/g, "null")).values as unknown[]).length;
    }
  }
  if (rest.trim()) n += (JSON.parse(rest.replace(/\bNaN\b/g, "null")).values as unknown[]).length;
  return n;
}

/** `fn` again after a failure (a keep-alive connection the server had just closed), 3 tries. */
async function retried<T>(fn: () => Promise<T>): Promise<T> {
  for (let i = 0;; i++) {
    try {
      return await fn();
    } catch (e) {
      if (i === 2) throw e;
      await sleep(1_000);
    }
  }
}

async function vmQuery(base: string, query: string): Promise<number> {
  const r = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(query)}`);
  const body = await r.json();
  return Number(body.data?.result?.[0]?.value?.[1] ?? 0);
}

await using farm = startTcpFarm(TARGETS, 79);
// Deduplication of samples with one timestamp (the test default, 1 ms): a batch delivered twice
// (at-least-once: a retry after an answer that got lost) is counted once by the export.
await using vm = await startVictoriaMetrics();
const fleet: ReloadAgent[] = [];
try {
  const t0 = performance.now();
  // All at once, then each polled until ready (a fetch that hangs times out and is retried).
  for (let i = 0; i < AGENTS; i++) {
    fleet.push(
      await spawnReloadAgent(farm.targets, {
        prefix: `vmprober-fleet-a${i}-`,
        interval: `${INTERVAL_S}s`,
        timeout: "2s",
        agentYaml: `labels: {agent: a${i}}`,
        extraYaml: (dir) =>
          `limits: {per_host_rate: 10000, global_rate: 10000}
wal: {dir: ${dir}/wal}
push: {url: ${vm.writeUrl}, max_backoff: 2s}
`,
      }),
    );
  }
  await Promise.all(fleet.map(async (f, i) => {
    await f.ready(600_000, 250);
    console.log(`agent ${i} ready at ${round((performance.now() - t0) / 1000)} s`);
  }));
  console.log(`${AGENTS} agents ready in ${round((performance.now() - t0) / 1000)} s`);
  await sleep(INTERVAL_S * 1000); // warm-up: every job has fired once
  const metrics = async (f: ReloadAgent) =>
    await (await fetch(`${f.url}/metrics`, { signal: AbortSignal.timeout(30_000) })).text();
  const cpu0 = fleet.map((f) => cpuSeconds(f.pid));
  const rows0 = await retried(() => vm.rowsReceived());
  const w0 = performance.now();
  const rss: number[][] = fleet.map(() => []);
  while (performance.now() - w0 < SECONDS * 1000) {
    await sleep(Math.min(10_000, SECONDS * 1000 - (performance.now() - w0)));
    fleet.forEach((f, i) => rss[i]!.push(rssBytes(f.pid)));
  }
  const windowS = (performance.now() - w0) / 1000;
  const cpu = fleet.map((f, i) => cpuSeconds(f.pid) - cpu0[i]!);
  const rows = await retried(() => vm.rowsReceived()) - rows0;
  const loadDuring = machine().loadavg;
  const beforeDrain = await Promise.all(fleet.map(metrics));
  const probes = beforeDrain.reduce((n, t) => n + sumMetric(t, "vmprober_probes_total"), 0);

  // Drain: no more targets anywhere, then wait until every agent's count settles at backlog 0.
  for (const f of fleet) {
    await f.write([]);
    await f.reload();
  }
  let end = await Promise.all(fleet.map(metrics));
  for (let i = 0, still = 0; i < 600 && still < 6; i++) {
    await sleep(500);
    const next = await Promise.all(fleet.map(metrics));
    const sum = (texts: string[], name: string) =>
      texts.reduce((n, t) => n + sumMetric(t, name), 0);
    const same = sum(next, "vmprober_push_samples_total") ===
      sum(end, "vmprober_push_samples_total");
    still = same && sum(next, "vmprober_push_backlog_samples") === 0 ? still + 1 : 0;
    end = next;
  }
  const total = (name: string) => end.reduce((n, t) => n + sumMetric(t, name), 0);
  const acked = total("vmprober_push_samples_total");
  const requests: Record<string, number> = {};
  for (const t of end) {
    for (
      const m of t.matchAll(/^vmprober_push_requests_total\{[^}]*status="([^"]+)"[^}]*\} (\S+)$/gm)
    ) {
      requests[m[1]!] = (requests[m[1]!] ?? 0) + Number(m[2]);
    }
  }
  const wireBytes = total("vmprober_push_bytes_total");
  await vm.flush();
  await sleep(2_000);
  await vm.flush();
  const stored = await retried(() =>
    vmQuery(vm.base, 'sum(count_over_time({__name__=~".+"}[1d]))')
  );
  // Every series ended with a stale marker (the targets left), which VictoriaMetrics receives
  // and keeps but which no rollup counts: stored + one marker per series = received.
  const series = await retried(() =>
    vmQuery(vm.base, 'count(last_over_time({__name__=~".+"}[1d]))')
  );
  const received = await retried(() => vm.rowsReceived());
  const exported = await retried(() => exportedSamples(vm.base));
  const diskBytes = await dirBytes(vm.dataDir);
  const mb = (b: number) => round(b / 2 ** 20, 1);
  const report = {
    agents: AGENTS,
    targets_per_agent: TARGETS,
    interval_s: INTERVAL_S,
    window_s: round(windowS),
    load_during: loadDuring,
    agent_cpu_cores: {
      median: round(median(cpu) / windowS, 4),
      max: round(Math.max(...cpu) / windowS, 4),
    },
    agent_rss_mb: {
      median: mb(median(rss.map((r) => median(r)))),
      max: mb(Math.max(...rss.flat())),
    },
    ingest_samples_per_s: round(rows / windowS),
    expected_samples_per_s: round((AGENTS * TARGETS * 6) / INTERVAL_S),
    probes_total: probes,
    samples_acked: acked,
    rows_received: received,
    samples_stored: stored,
    series_stored: series,
    dropped: total("vmprober_push_dropped_samples_total"),
    backlog_left: total("vmprober_push_backlog_samples"),
    wire_bytes_per_sample: round(wireBytes / acked, 2),
    disk_bytes_per_sample: round(diskBytes / stored, 2),
    vm_data_dir_mb: mb(diskBytes),
    stale_markers_expected: series,
    samples_exported_unique: exported,
    delivered_twice: received - exported,
    push_requests: requests,
    push_retries: total("vmprober_push_retries_total"),
    all_delivered: acked === exported && received >= exported &&
      total("vmprober_push_dropped_samples_total") === 0 &&
      total("vmprober_push_backlog_samples") === 0,
  };
  console.log(JSON.stringify(report, null, 2));
  console.log("machine after:", JSON.stringify(machine()));
} finally {
  await Promise.all(fleet.map((f) => f[Symbol.asyncDispose]()));
}
