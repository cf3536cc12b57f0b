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
import { sleep } from "./compare/_common.ts";
import { machine } from "./_machine.ts";
import { startFarmSets, startReloadAgent } from "./_reload_agent.ts";
import { sumMetric } from "./_metrics.ts";

const TARGETS = 10_000;
const INTERVAL = Deno.env.get("RELOAD_INTERVAL") ?? "1s";
const COUNT = Number(Deno.env.get("RELOAD_COUNT") ?? 8);
const GAP_MS = Number(Deno.env.get("RELOAD_GAP_MS") ?? 2_000);

console.log("machine before:", JSON.stringify(machine()));

await using farm = startFarmSets(TARGETS);
const { sets } = farm;
await using agent = await startReloadAgent(sets[0], {
  prefix: "vmprober-reload-",
  interval: INTERVAL,
});
await sleep(3_000); // probing under way
const skipped0 = sumMetric(await agent.metrics(), "vmprober_probes_skipped_total");
const ms: number[] = [];
for (let i = 1; i <= COUNT; i++) {
  await agent.write(sets[i % 2]!);
  const r = await agent.reload();
  ms.push(r.ms);
  if (!r.ok) throw new Error(`reload ${i}: HTTP ${r.status}`);
  console.log(`reload ${i}: ${ms.at(-1)!.toFixed(0)} ms`);
  await sleep(GAP_MS);
}
const skipped = sumMetric(await agent.metrics(), "vmprober_probes_skipped_total") - skipped0;
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
