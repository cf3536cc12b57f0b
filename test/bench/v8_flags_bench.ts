/**
 * The V8 flags' trade-off, measured (not in CI): for the shipped flag list and for it without
 * each of its V8 size flags (and without all), the bundled agent's idle RSS, RSS at 10,000 ICMP
 * targets every 10 s, and CPU per ping at 1,000 ICMP targets at 10,000 pings/s. Variants run
 * interleaved, FLAGS_ROUNDS times (default 2), so each round sees the same machine state; prints
 * one line per variant and round, and the load average. FLAGS_SKIP_10K=1 leaves out the 10,000
 * target run (its 68 MB scrape is slow on a loaded host).
 *
 * Run: deno task bundle && deno run -A --unstable-net test/bench/v8_flags_bench.ts
 */
import { denoFlags } from "../_support/agent_process.ts";
import { agentIdle, agentRss10k } from "./compare/footprint_compare.ts";
import { agentIcmpRun } from "./compare/icmp_compare.ts";

const rounds = Number(Deno.env.get("FLAGS_ROUNDS") ?? 2);
const skip10k = Deno.env.get("FLAGS_SKIP_10K") === "1";
const shipped = denoFlags();
const v8Index = shipped.findIndex((f) => f.startsWith("--v8-flags="));
const v8 = v8Index < 0 ? [] : shipped[v8Index]!.slice("--v8-flags=".length).split(",");
const withV8 = (list: string[]) => {
  const out = shipped.filter((_, i) => i !== v8Index);
  return list.length ? [...out, `--v8-flags=${list.join(",")}`] : out;
};
const variants: [string, string[]][] = [
  ["shipped", withV8(v8)],
  ...v8.map((f): [string, string[]] => [`without ${f}`, withV8(v8.filter((g) => g !== f))]),
  ["no V8 flags", withV8([])],
];
const load = () => Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");

for (let r = 1; r <= rounds; r++) {
  for (const [name, flags] of variants) {
    Deno.env.set("BENCH_DENO_FLAGS", flags.join(" "));
    const l0 = load();
    const idle = await agentIdle();
    // A failed run is printed as NaN, not the end of the comparison.
    const rss10k = skip10k
      ? NaN
      : await agentRss10k().catch((e) => (console.error(`  ${name}: ${e}`), NaN));
    const icmp = await agentIcmpRun();
    console.log(
      `round ${r} ${name.padEnd(50)} idle RSS ${idle.rssMb.toFixed(1)} MB, ` +
        `10k ICMP RSS ${rss10k.toFixed(1)} MB, ICMP CPU/ping ${icmp.cpuUsPerPing.toFixed(1)} µs ` +
        `(${icmp.pingsPerS.toFixed(0)} pings/s); load ${l0} → ${load()}`,
    );
  }
}
