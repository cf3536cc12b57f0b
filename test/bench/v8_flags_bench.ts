/**
 * The V8 flags' trade-off, measured both ways (not in CI): the bundled agent with the shipped flag
 * list, with it minus each of its V8 flags, without any, and with the candidates of
 * `FLAGS_CANDIDATES` (default: a 1 MB semi-space, `--optimize-for-size`). Each variant: idle RSS
 * (anonymous part and PSS beside it), RSS at 10,000 ICMP targets every 10 s, CPU per ping at 1,000
 * ICMP targets at 10,000 pings/s, CPU per probe at 1,000 TCP targets at 10,000 probes/s. Variants
 * run interleaved, FLAGS_ROUNDS times (default 2), so each round sees the same code and machine
 * state; prints one line per variant and round with the load average, then the medians.
 *
 * FLAGS_SKIP_10K=1 leaves out the 10,000-target run (its scrape is slow on a loaded host);
 * FLAGS_ONLY=a,b runs only the variants so named; FLAGS_CANDIDATES="name=flag,flag;name=…" replaces
 * the candidates (`-name` removes the shipped `--name`, `--name=value` replaces it).
 *
 * Run: deno task bundle && deno run -A --unstable-net test/bench/v8_flags_bench.ts
 */
import { denoFlags } from "../_support/agent_process.ts";
import { agentIdle, agentRss10k } from "./compare/footprint_compare.ts";
import { agentIcmpRun } from "./compare/icmp_compare.ts";
import { agentTcpRun } from "./compare/tcp_compare.ts";
import { startTcpFarm } from "./compare/tcp_farm.ts";
import { median } from "./_metrics.ts";
import { applyV8Edits, parseCandidates, splitV8Flags } from "./v8_flags_variants.ts";

const rounds = Number(Deno.env.get("FLAGS_ROUNDS") ?? 2);
const skip10k = Deno.env.get("FLAGS_SKIP_10K") === "1";
const only = Deno.env.get("FLAGS_ONLY")?.split(",");
const { rest, v8 } = splitV8Flags(denoFlags());
const withV8 = (list: string[]) => list.length ? [...rest, `--v8-flags=${list.join(",")}`] : rest;
const candidates = parseCandidates(
  Deno.env.get("FLAGS_CANDIDATES") ?? "semi-space 1=--max-semi-space-size=1;" +
      "+optimize-for-size=--optimize-for-size",
);
type Variant = [string, string[]];
const all: Variant[] = [
  ["shipped", withV8(v8)],
  ...v8.map((f): Variant => [`without ${f}`, withV8(v8.filter((g) => g !== f))]),
  ["no V8 flags", withV8([])],
  ...candidates.map(([name, edits]): Variant => [name, withV8(applyV8Edits(v8, edits))]),
];
const variants = all.filter(([name]) => !only || only.includes(name));
const load = () => Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
// A failed run is printed as NaN, not the end of the comparison.
const orNaN = <T>(name: string, p: Promise<T>, pick: (t: T) => number) =>
  p.then(pick).catch((e) => (console.error(`  ${name}: ${e}`), NaN));

console.log(`machine: ${navigator.hardwareConcurrency} cores; variants:`);
for (const [name, flags] of variants) console.log(`  ${name}: ${flags.at(-1)}`);
await using farm = startTcpFarm(1000);
const rows = new Map<string, number[][]>();
for (let r = 1; r <= rounds; r++) {
  for (const [name, flags] of variants) {
    Deno.env.set("BENCH_DENO_FLAGS", flags.join(" "));
    const l0 = load();
    const idle = await agentIdle();
    const rss10k = skip10k ? NaN : await orNaN(name, agentRss10k(), (x) => x);
    const icmp = await orNaN(name, agentIcmpRun(), (x) => x.cpuUsPerPing);
    const tcp = await orNaN(name, agentTcpRun(farm.targets, 100), (x) => x.cpuUsPerProbe);
    const row = [idle.rssMb, idle.anonMb, idle.pssMb, idle.readyMs, rss10k, icmp, tcp];
    rows.set(name, [...rows.get(name) ?? [], row]);
    console.log(`round ${r} ${line(name, row)}; load ${l0} → ${load()}`);
  }
}
console.log("medians:");
for (const [name, runs] of rows) {
  console.log(`  ${line(name, runs[0]!.map((_, i) => medianOf(runs.map((x) => x[i]!))))}`);
}

/** The median of the runs that gave a figure (a failed run is NaN). */
function medianOf(xs: number[]): number {
  const ok = xs.filter((x) => !Number.isNaN(x));
  return ok.length ? median(ok) : NaN;
}

function line(name: string, [rss, anon, pss, ready, rss10k, icmp, tcp]: number[]): string {
  const f = (x: number | undefined, d = 1) => x!.toFixed(d);
  return `${name.padEnd(48)} idle RSS ${f(rss)} MB (anon ${f(anon)}, PSS ${f(pss)}), ` +
    `ready ${f(ready, 0)} ms, 10k ICMP RSS ${f(rss10k)} MB, ICMP CPU/ping ${f(icmp)} µs, ` +
    `TCP CPU/probe ${f(tcp)} µs`;
}
