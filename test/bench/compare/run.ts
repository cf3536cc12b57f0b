/**
 * The side-by-side benchmark runner: every workload BENCH_RUNS times (default 3), medians of each
 * figure, one table (ours, peer's, ratio, goal) on stdout and the same as JSON.
 *
 * Run: `deno task bench` (bundles first), or
 * `deno run -A --unstable-net test/bench/compare/run.ts [--only tcp,icmp,drain,footprint,http]
 *   [--json dist/bench.json]`.
 * Env: BENCH_RUNS, BENCH_WINDOW_S, BENCH_WARMUP_S, BENCH_TCP_INTERVALS, BENCH_DRAIN_SAMPLES,
 * BENCH_ENTRY (the agent entry; default dist/vmprober.js).
 */
import { type Figure, ROOT } from "./_common.ts";
import { tcpCompare } from "./tcp_compare.ts";
import { icmpCompare } from "./icmp_compare.ts";
import { drainCompare, drainDispose } from "./drain_compare.ts";
import { footprintCompare } from "./footprint_compare.ts";
import { httpCompare } from "./http_compare.ts";
import { median } from "../_metrics.ts";

const WORKLOADS: Record<string, () => Promise<Figure[]>> = {
  tcp: tcpCompare,
  icmp: icmpCompare,
  drain: drainCompare,
  footprint: footprintCompare,
  http: httpCompare,
};
/** State a workload keeps across its runs, released after the last one. */
const DISPOSE: Record<string, () => Promise<void>> = { drain: drainDispose };

function arg(name: string): string | undefined {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Deno.args[i + 1] : undefined;
}

const runs = Number(Deno.env.get("BENCH_RUNS") ?? 3);
const only = (arg("--only") ?? Object.keys(WORKLOADS).join(",")).split(",");
const jsonPath = arg("--json") ?? `${ROOT}dist/bench.json`;

const loadavg = () => Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
const cpuModel = /model name\s*:\s*(.*)/.exec(Deno.readTextFileSync("/proc/cpuinfo"))?.[1] ?? "?";
const loads: string[] = [loadavg()];
const failures: string[] = [];

/** All runs' figures by `workload|metric`. */
const byKey = new Map<string, Figure[]>();
for (const name of only) {
  const workload = WORKLOADS[name];
  if (!workload) throw new Error(`unknown workload ${name}; known: ${Object.keys(WORKLOADS)}`);
  for (let r = 1; r <= runs; r++) {
    console.error(`${name} run ${r}/${runs} (load ${loadavg()})`);
    let figures: Figure[] | undefined;
    for (let attempt = 1; attempt <= 2 && !figures; attempt++) {
      try {
        figures = await workload();
      } catch (e) {
        // One retry (a peer that could not start, a port taken meanwhile); then the run is lost.
        console.error(`  ${name} run ${r} attempt ${attempt} failed: ${(e as Error).message}`);
        failures.push(`${name} run ${r} attempt ${attempt}: ${(e as Error).message}`);
      }
    }
    for (const f of figures ?? []) {
      const key = `${f.workload}|${f.metric}`;
      byKey.set(key, [...(byKey.get(key) ?? []), f]);
    }
    loads.push(loadavg());
  }
  await DISPOSE[name]?.();
}

const rows = [...byKey.values()].map((fs) => {
  const ours = median(fs.map((f) => f.ours));
  const peers = fs.map((f) => f.peer).filter((p): p is number => p !== null);
  const peer = peers.length ? median(peers) : null;
  // Ratio of the medians of per-run ratios: each ratio comes from one run (same machine state).
  const ratios = fs.filter((f) => f.peer).map((f) => f.ours / f.peer!);
  const ratio = ratios.length ? median(ratios) : null;
  const f = fs[0]!;
  return {
    workload: f.workload,
    metric: f.metric,
    unit: f.unit,
    ours,
    peer,
    peer_name: f.peerName,
    ratio: ratio === null ? null : Math.round(ratio * 1000) / 1000,
    better: f.better,
    goal: f.goal ?? null,
    runs: fs.map((x) => x.ours),
    peer_runs: fs.map((x) => x.peer),
  };
});

const header = ["workload", "figure", "ours", "peer", "peer value", "ratio", "goal"];
const table = [
  header,
  ...rows.map((r) => [
    r.workload,
    r.metric + (r.unit ? ` (${r.unit})` : ""),
    String(r.ours),
    r.peer_name ?? "—",
    r.peer === null ? "—" : String(r.peer),
    r.ratio === null ? "—" : `${r.ratio}× (${r.better} is better)`,
    r.goal ?? "",
  ]),
];
const widths = header.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
const line = (row: string[]) => "| " + row.map((c, i) => c.padEnd(widths[i]!)).join(" | ") + " |";
console.log(line(table[0]!));
console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
for (const row of table.slice(1)) console.log(line(row));
console.log(
  `\nmachine: ${navigator.hardwareConcurrency} × ${cpuModel}; load average ${loads.join(" → ")}`,
);
console.log(`medians of ${runs} runs; ratio = ours / peer, median of per-run ratios`);
if (failures.length) console.log(`failed attempts:\n  ${failures.join("\n  ")}`);

await Deno.mkdir(jsonPath.slice(0, jsonPath.lastIndexOf("/")) || ".", { recursive: true });
await Deno.writeTextFile(
  jsonPath,
  JSON.stringify(
    {
      time: new Date().toISOString(),
      machine: { cpus: navigator.hardwareConcurrency, model: cpuModel },
      load_average: loads,
      runs,
      failures,
      rows,
    },
    null,
    2,
  ) + "\n",
);
console.log(`JSON: ${jsonPath}`);
