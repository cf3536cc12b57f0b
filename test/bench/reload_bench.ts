/**
 * Reload time (not in CI): the bundled agent on 10,000 loopback TCP targets (a farm of listeners
 * on 127.78.x.y), probing every RELOAD_INTERVAL (default 1s, so the agent is busy), then
 * RELOAD_COUNT (default 8) reloads alternating two static sets of 10,000 (9,000 shared), each
 * timed from `POST /-/reload` to its answer, one after another (RELOAD_GAP_MS, default 2,000,
 * between them). Prints each reload, the median, and the probes skipped meanwhile.
 *
 * Run: deno task bundle && deno run -A --unstable-net test/bench/reload_bench.ts
 * (BENCH_DENO_FLAGS="$(cat scripts/deno_flags) --cpu-prof --cpu-prof-dir=/tmp/prof" to profile)
 */
import { startTcpFarm } from "./compare/tcp_farm.ts";
import { freePort, sleep, spawnBundle } from "./compare/_common.ts";
import { sumMetric } from "./_metrics.ts";

const TARGETS = 10_000;
const INTERVAL = Deno.env.get("RELOAD_INTERVAL") ?? "1s";
const COUNT = Number(Deno.env.get("RELOAD_COUNT") ?? 8);
const GAP_MS = Number(Deno.env.get("RELOAD_GAP_MS") ?? 2_000);

const machine = () => ({
  nproc: navigator.hardwareConcurrency,
  cpu: /model name\s*:\s*(.*)/.exec(Deno.readTextFileSync("/proc/cpuinfo"))?.[1],
  loadavg: Deno.readTextFileSync("/proc/loadavg").trim(),
});
console.log("machine before:", JSON.stringify(machine()));

await using farm = startTcpFarm(TARGETS + 1_000, 78);
const dir = await Deno.makeTempDir({ prefix: "vmprober-reload-" });
const port = freePort();
const sets = [farm.targets.slice(0, TARGETS), farm.targets.slice(1_000, TARGETS + 1_000)];
const config = (targets: string[]) => `
agent: {listen: "127.0.0.1:${port}", log: {level: warning, format: text}}
defaults: {interval: ${INTERVAL}, timeout: 1s}
probes:
  tcp: {type: tcp}
targets:
  - name: farm
    probes: [tcp]
    static:
      targets:
${targets.map((t) => `        - ${t}`).join("\n")}
`;
const path = `${dir}/vmprober.yaml`;
await Deno.writeTextFile(path, config(sets[0]!));
const agent = spawnBundle(path);
const url = `http://127.0.0.1:${port}`;
const metrics = async () => await (await fetch(`${url}/metrics`)).text();
try {
  for (let i = 0;; i++) {
    const ok = await fetch(`${url}/readyz`).then((r) => (r.body?.cancel(), r.ok), () => false);
    if (ok) break;
    if (i === 600) throw new Error("Cannot start the agent: /readyz not 200 after 60 s");
    await sleep(100);
  }
  await sleep(3_000); // probing under way
  const skipped0 = sumMetric(await metrics(), "vmprober_probes_skipped_total");
  const ms: number[] = [];
  for (let i = 1; i <= COUNT; i++) {
    await Deno.writeTextFile(`${path}.tmp`, config(sets[i % 2]!));
    await Deno.rename(`${path}.tmp`, path);
    const t0 = performance.now();
    const r = await fetch(`${url}/-/reload`, { method: "POST" });
    ms.push(performance.now() - t0);
    await r.body?.cancel();
    if (!r.ok) throw new Error(`reload ${i}: HTTP ${r.status}`);
    console.log(`reload ${i}: ${ms.at(-1)!.toFixed(0)} ms`);
    await sleep(GAP_MS);
  }
  const skipped = sumMetric(await metrics(), "vmprober_probes_skipped_total") - skipped0;
  const sorted = [...ms].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  console.log(JSON.stringify({
    targets: TARGETS,
    interval: INTERVAL,
    reloads: COUNT,
    median_ms: Math.round(median),
    max_ms: Math.round(sorted.at(-1)!),
    skipped,
  }));
  console.log("machine after:", JSON.stringify(machine()));
} finally {
  await agent.stop();
  await Deno.remove(dir, { recursive: true });
}
