/**
 * @module RSS of the bundled agent at 10,000 ICMP targets every 10 s, sampled like the footprint
 * bench (12 s after `/readyz`, after one scrape), for one or more bundles interleaved in the same
 * run: RSS, its anonymous part, and the V8 heap the agent reports on `/metrics`.
 *
 *   BENCH_BUNDLES=old.js,new.js BENCH_RUNS=3 deno run -A --unstable-net test/bench/icmp_rss_ab_bench.ts
 *
 * A bundle may be given as `path|NAME=value|V8=--flag+--flag` (bench_variant.ts) to run it with
 * those variables added to the environment (e.g. `new.js|MALLOC_ARENA_MAX=2`, as the systemd unit
 * runs it) and those V8 flags added to the binary's: the same bundle with and without them.
 */
import { icmpTargetsConfig } from "./compare/footprint_compare.ts";
import { agentFlags, freePort, sleep, spawnPeer, waitHttp } from "./compare/_common.ts";
import { procMemory } from "./compare/proc_memory.ts";
import { DENO, writeConfig } from "../_support/agent_process.ts";
import { benchVariant } from "./bench_variant.ts";

const BUNDLES = (Deno.env.get("BENCH_BUNDLES") ?? "dist/vmprober.js").split(",");
const RUNS = Number(Deno.env.get("BENCH_RUNS") ?? 3);
const TARGETS = Number(Deno.env.get("BENCH_TARGETS") ?? 10_000);
const SAMPLE_MS = Number(Deno.env.get("BENCH_SAMPLE_MS") ?? 12_000);
const MB = 2 ** 20;

/** The value of an unlabelled sample `name` in an exposition text, or NaN. */
function sample(text: string, name: string): number {
  const m = new RegExp(`^${name} (\\S+)$`, "m").exec(text);
  return m ? Number(m[1]) : NaN;
}

async function run(entry: string) {
  const { path: bundle, env, flags } = benchVariant(entry, agentFlags());
  const dir = await Deno.makeTempDir({ prefix: "bench_icmp_rss_" });
  try {
    const port = freePort();
    const config = await writeConfig(icmpTargetsConfig({
      targets: TARGETS,
      port,
      logLevel: "info",
      wal: `dir: ${dir}/wal, fsync: batch`,
    }));
    await using agent = spawnPeer(DENO, [
      "run",
      ...flags,
      bundle,
      "run",
      "--config",
      config,
    ], env);
    await waitHttp(`http://127.0.0.1:${port}/readyz`, 30_000, 20);
    await sleep(SAMPLE_MS);
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const m = procMemory(agent.pid);
    const r1 = (v: number) => Math.round(v * 10) / 10;
    return {
      rssMb: r1(m.rssMb),
      anonMb: r1(m.anonMb),
      heapUsedMb: r1(sample(text, "deno_heap_used_bytes") / MB),
      heapTotalMb: r1(sample(text, "deno_heap_total_bytes") / MB),
      externalMb: r1(sample(text, "deno_external_memory_bytes") / MB),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const rows = new Map<string, number[]>();
for (let r = 0; r < RUNS; r++) {
  for (const bundle of BUNDLES) {
    const load = Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
    const out = await run(bundle);
    rows.set(bundle, [...(rows.get(bundle) ?? []), out.rssMb]);
    console.log(JSON.stringify({ run: r, bundle, load, ...out }));
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
for (const [bundle, xs] of rows) console.log(`${bundle}: RSS median ${median(xs)} MB of ${xs}`);
console.log("load after", Deno.readTextFileSync("/proc/loadavg").trim());
