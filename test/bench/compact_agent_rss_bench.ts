/**
 * @module Peak RSS of the bundled agent with 10,000 ICMP targets every 10 s (no `push:`, so sealed
 * segments are compacted as they seal), with `wal.compact` on and off, for one or more bundles
 * interleaved in the same run. Each run lasts BENCH_RUN_S (130) seconds unscraped, long enough for
 * the first two segments to seal and be compacted; the figure is the kernel's VmHWM at the end.
 *
 *   BENCH_BUNDLES=old.js,new.js BENCH_RUNS=2 deno run -A test/bench/compact_agent_rss_bench.ts
 */
import { icmpTargetsConfig } from "./compare/footprint_compare.ts";
import { agentFlags, freePort, sleep, spawnPeer, waitHttp } from "./compare/_common.ts";
import { DENO, writeConfig } from "../_support/agent_process.ts";

const BUNDLES = (Deno.env.get("BENCH_BUNDLES") ?? "dist/vmprober.js").split(",");
const RUNS = Number(Deno.env.get("BENCH_RUNS") ?? 2);
const RUN_S = Number(Deno.env.get("BENCH_RUN_S") ?? 130);
const TARGETS = Number(Deno.env.get("BENCH_TARGETS") ?? 10_000);

/** VmHWM and VmRSS of `pid`, MB. */
function memory(pid: number): { hwm: number; rss: number } {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const mb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, "m").exec(status)![1]) / 1024;
  return { hwm: Math.round(mb("VmHWM")), rss: Math.round(mb("VmRSS")) };
}

/** Segment files in `dir` with their sizes, MB (a compacted one is smaller than 16). */
async function segments(dir: string): Promise<number[]> {
  const out: [string, number][] = [];
  for await (const e of Deno.readDir(dir)) {
    if (/^\d{20}$/.test(e.name)) out.push([e.name, (await Deno.stat(`${dir}/${e.name}`)).size]);
  }
  return out.sort().map(([, n]) => Math.round(n / 1e5) / 10);
}

async function run(bundle: string, compact: boolean) {
  const dir = await Deno.makeTempDir({ prefix: "bench_compact_rss_" });
  try {
    const port = freePort();
    const config = await writeConfig(icmpTargetsConfig({
      targets: TARGETS,
      port,
      logLevel: "warning",
      wal: `dir: ${dir}/wal, fsync: batch, compact: ${compact}`,
    }));
    await using agent = spawnPeer(DENO, [
      "run",
      ...agentFlags(),
      bundle,
      "run",
      "--config",
      config,
    ]);
    await waitHttp(`http://127.0.0.1:${port}/readyz`, 30_000, 20);
    await sleep(RUN_S * 1000);
    const m = memory(agent.pid);
    return {
      bundle,
      compact,
      peakRssMb: m.hwm,
      rssMb: m.rss,
      segmentsMb: await segments(`${dir}/wal`),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

for (let r = 0; r < RUNS; r++) {
  for (const compact of [true, false]) {
    for (const bundle of BUNDLES) {
      const load = Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
      console.log(JSON.stringify({ run: r, load, ...(await run(bundle, compact)) }));
    }
  }
}
