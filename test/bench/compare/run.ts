/**
 * The side-by-side benchmark runner: every workload BENCH_RUNS times (default 3), medians of each
 * figure, one table (ours, peer's, ratio, goal) on stdout and the same as JSON.
 *
 * Run: `deno task bench` (bundles first), or
 * `deno run -A --unstable-net test/bench/compare/run.ts [--only tcp,icmp,drain,footprint,http]
 *   [--json dist/bench.json] [--table FILE]`. `--table` writes the markdown table for the README
 * to FILE, and refuses (no file, exit 2) when the load average before the start was above 1.
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
import { loadNow, machineLine, readMachine, tableVerdict } from "./machine.ts";

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

const tablePath = arg("--table");
const loadavg = () => loadNow().join(" ");
const machine = readMachine();
const loads: number[][] = [loadNow()];
const verdict = tableVerdict(loads[0]![0]!);
const failures: string[] = [];
const started = performance.now();
console.error(machineLine(machine, loads));
if (!verdict.publishable) console.error(`README table: ${verdict.why}`);

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
    loads.push(loadNow());
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
const seconds = Math.round((performance.now() - started) / 1000);
console.log(`\n${machineLine(machine, loads)}`);
console.log(
  `medians of ${runs} runs; ratio = ours / peer, median of per-run ratios; took ${seconds} s`,
);
console.log(
  verdict.publishable
    ? "README table: this run may stand for it (load before start <= 1)"
    : `README table: refused, ${verdict.why}`,
);
if (failures.length) console.log(`failed attempts:\n  ${failures.join("\n  ")}`);

await Deno.mkdir(jsonPath.slice(0, jsonPath.lastIndexOf("/")) || ".", { recursive: true });
await Deno.writeTextFile(
  jsonPath,
  JSON.stringify(
    {
      time: new Date().toISOString(),
      machine,
      load_average: loads,
      seconds,
      publishable: verdict.publishable,
      refused: verdict.publishable ? null : verdict.why,
      runs,
      failures,
      rows,
    },
    null,
    2,
  ) + "\n",
);
console.log(`JSON: ${jsonPath}`);
if (tablePath) {
  if (!verdict.publishable) {
    console.log(`not writing ${tablePath}: ${verdict.why}`);
    Deno.exit(2);
  }
  const md = [line(table[0]!), "|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|"]
    .concat(table.slice(1).map(line), ["", machineLine(machine, loads)]);
  await Deno.writeTextFile(tablePath, md.join("\n") + "\n");
  console.log(`table: ${tablePath}`);
}
