/**
 * The live metrics after a reload from BENCH_JOBS (200,000) ICMP jobs down to BENCH_KEPT (100):
 * the live metrics code of two source trees (this one and ROOT, e.g. a checkout of the previous
 * release), each in a process of its own, BENCH_RUNS (3) rounds interleaved, medians. Per run:
 * the time of writing every job's first record (the steady-state add and observe path), then
 * `retainSteps` under `runSliced` (its total and the longest block between two event-loop
 * turns), RSS and heap plus external memory after a full GC, and a scrape of the kept jobs
 * (`render()`, median of 50): the one figure the histogram slabs' size shows in. Then the slab
 * alone: in the tree that has it, compaction of 200,000 rows down to 100 and to just under a
 * quarter (in each child: total, and the time between two yields), and the steady-state path
 * of both trees (observations, releases, allocations on 10,000 rows: the median of 7 in a
 * process, 5 processes a tree, interleaved). Trees other than this one need only their `src/`:
 *
 *   mkdir -p ../old && git archive main src | tar -x -C ../old
 *   deno run -A test/bench/slab_shrink_bench.ts ../old
 */
import { machine } from "./_machine.ts";
import type { ResultRecord } from "../../src/results/types.ts";

const JOBS = Number(Deno.env.get("BENCH_JOBS") ?? 200_000);
const KEPT = Number(Deno.env.get("BENCH_KEPT") ?? 100);
const RUNS = Number(Deno.env.get("BENCH_RUNS") ?? 3);
const q50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;

/** Run `n` of ICMP job `i`. */
function record(i: number, n: number): ResultRecord {
  const target = `127.${i >> 16}.${(i >> 8) & 255}.${i & 255}`;
  const rtt = ((i * 13 + n) % 300) / 100_000;
  return {
    timestampMs: 1_700_000_000_000 + n,
    target,
    probe: "ping",
    key: `ping|${target}`,
    type: "icmp",
    labels: {},
    success: true,
    durationSeconds: ((i * 7 + n) % 200) / 10_000,
    attempts: 1,
    ipProtocol: 4,
    icmp: {
      sent: 1,
      received: 1,
      lossRatio: 0,
      rttsSeconds: [rtt],
      minSeconds: rtt,
      avgSeconds: rtt,
      medianSeconds: rtt,
      maxSeconds: rtt,
      stddevSeconds: 0,
    },
  };
}

/** Memory after full collections (and time for freed array buffers to be swept), in MB. */
async function memory(): Promise<{ rssMB: number; heapAndExternalMB: number }> {
  for (let i = 0; i < 3; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const m = Deno.memoryUsage();
  return { rssMB: mb(m.rss), heapAndExternalMB: mb(m.heapUsed + m.external) };
}

/** One run with the live metrics of the tree `root`; prints one JSON line. */
async function child(root: string): Promise<void> {
  const url = (path: string) => new URL(path, `file://${Deno.realPathSync(root)}/`).href;
  const { createProbeMetrics } = await import(url("src/metrics/probe_metrics.ts"));
  const { runSliced } = await import(url("src/base/slices.ts"));
  const metrics = createProbeMetrics({ buckets: [0.0001, 0.001, 0.01, 0.1, 1] });
  const batch = 1000;
  let t = performance.now();
  for (let i = 0; i < JOBS; i += batch) {
    metrics.write(Array.from({ length: Math.min(batch, JOBS - i) }, (_, k) => record(i + k, 0)));
  }
  const writeMs = performance.now() - t;
  const peak = await memory();
  const step = Math.floor(JOBS / KEPT);
  const keys = new Set(Array.from({ length: KEPT }, (_, k) => record(k * step + 1, 0).key));
  let longest = 0;
  let last = performance.now();
  const monitor = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  t = performance.now();
  await runSliced(metrics.retainSteps(keys));
  const retainMs = performance.now() - t;
  clearInterval(monitor);
  const after = await memory();
  const scrapes: number[] = [];
  let bytes = 0;
  for (let k = 0; k < 50; k++) {
    t = performance.now();
    bytes = metrics.render().length;
    scrapes.push(performance.now() - t);
  }
  const slabModule = await import(url("src/metrics/histogram_slab.ts"));
  const compaction = "compactSteps" in slabModule.HistogramSlab.prototype
    ? {
      ...compactionTimes(slabModule.HistogramSlab, KEPT),
      ...compactionTimes(slabModule.HistogramSlab, JOBS / 4 - 1, "Quarter"),
    }
    : {};
  console.log(JSON.stringify({
    ...compaction,
    writeMs: Math.round(writeMs),
    peakRssMB: peak.rssMB,
    retainMs: Math.round(retainMs),
    retainLongestBlockMs: Math.round(longest),
    rssMB: after.rssMB,
    heapAndExternalMB: after.heapAndExternalMB,
    scrapeMs: Math.round(q50(scrapes) * 100) / 100,
    pageBytes: bytes,
    histogramRows: metrics.histogramRows ?? null,
  }));
}

/** The ICMP RTT slab alone, JOBS rows of which `kept` stay (spread evenly): compaction's time. */
function compactionTimes(
  // deno-lint-ignore no-explicit-any
  Slab: any,
  kept: number,
  name = "",
): Record<string, number> {
  const owners = Array.from({ length: JOBS }, () => ({ slot: -1 }));
  const h = new Slab(Array.from({ length: 14 }, (_, i) => 2 ** i), {
    moved: (o: { slot: number }, slot: number) => (o.slot = slot),
  });
  for (const o of owners) h.observe(o.slot = h.alloc(o), 3);
  const every = JOBS / kept;
  owners.forEach((o, i) => {
    if (Math.floor(i % every) !== 0) h.release(o.slot);
  });
  const steps = h.compactSteps();
  const each: number[] = [];
  const t = performance.now();
  for (;;) {
    const s = performance.now();
    const done = steps.next().done;
    each.push(performance.now() - s);
    if (done) break;
  }
  const total = performance.now() - t;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  each.sort((a, b) => a - b);
  return {
    [`compact${name}Rows`]: h.size,
    [`compact${name}Ms`]: round(total),
    [`compact${name}Steps`]: each.length,
    [`compact${name}StepP50Ms`]: round(q50(each)),
    [`compact${name}StepP99Ms`]: round(each[Math.floor(each.length * 0.99)]!),
    [`compact${name}StepMaxMs`]: round(each[each.length - 1]!),
    [`compact${name}CapacityAfter`]: h.capacity,
  };
}

/**
 * The steady-state path of the slab alone, in ms: 10,000 rows, 100 rounds of one observation
 * each and a tenth of them released and taken again (1,000,000 observations, 100,000 of each).
 */
// deno-lint-ignore no-explicit-any
function churnMs(Slab: any): number {
  const h = new Slab(Array.from({ length: 14 }, (_, i) => 2 ** -i), {
    moved: (o: { slot: number }, slot: number) => (o.slot = slot),
  });
  const owners = Array.from({ length: 10_000 }, () => ({ slot: -1 }));
  for (const o of owners) o.slot = h.alloc(o);
  let ms = 0;
  for (let warm = 0; warm < 2; warm++) {
    const t = performance.now();
    for (let r = 0; r < 100; r++) {
      for (let k = 0; k < owners.length; k++) h.observe(owners[k]!.slot, (k % 97) / 1000);
      for (let k = r % 10; k < owners.length; k += 10) {
        h.release(owners[k]!.slot);
        owners[k]!.slot = h.alloc(owners[k]);
      }
    }
    ms = performance.now() - t;
  }
  return Math.round(ms * 10) / 10;
}

async function run(root: string, mode = "child"): Promise<Record<string, number>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--v8-flags=--expose-gc", new URL(import.meta.url).pathname, mode, root],
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`Cannot run the bench child for ${root}: exit ${out.code}`);
  return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").pop()!);
}

if (Deno.args[0] === "child") {
  await child(Deno.args[1]!);
} else if (Deno.args[0] === "churn") {
  const url = new URL(
    "src/metrics/histogram_slab.ts",
    `file://${Deno.realPathSync(Deno.args[1]!)}/`,
  );
  const { HistogramSlab } = await import(url.href);
  const ms = Array.from({ length: 7 }, () => churnMs(HistogramSlab));
  console.log(JSON.stringify({ slabChurnMs: q50(ms) }));
} else {
  const other = Deno.args[0];
  if (!other) throw new TypeError("Cannot run the bench: give the source tree to compare with");
  const here = new URL("../../", import.meta.url).pathname;
  const trees = { before: other, after: here };
  console.log(JSON.stringify({ jobs: JOBS, kept: KEPT, runs: RUNS, ...machine() }));
  const results: Record<string, Record<string, number>[]> = { before: [], after: [] };
  for (let r = 0; r < RUNS; r++) {
    for (const [name, root] of Object.entries(trees)) {
      const one = await run(root);
      console.log(name, JSON.stringify(one));
      results[name]!.push(one);
    }
  }
  for (const [name, runs] of Object.entries(results)) {
    const medians = Object.fromEntries(
      Object.keys(runs[0]!).filter((k) => typeof runs[0]![k] === "number")
        .map((k) => [k, q50(runs.map((x) => x[k]!))]),
    );
    console.log(name, "median", JSON.stringify(medians));
  }
  // The slab's steady-state path, a process per tree (one class per call site), interleaved.
  const churn: Record<string, number[]> = { before: [], after: [] };
  for (let r = 0; r < 5; r++) {
    for (const [name, root] of Object.entries(trees)) {
      churn[name]!.push((await run(root, "churn")).slabChurnMs!);
    }
  }
  console.log(JSON.stringify({
    slabChurnMs: { before: q50(churn.before!), after: q50(churn.after!) },
    all: churn,
  }));
  console.log("load after", machine().loadavg);
}
