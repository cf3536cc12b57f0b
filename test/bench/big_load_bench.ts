/**
 * How long big inputs hold the event loop. Part 1, in this process, on an `http_sd` body of
 * BIG_TARGETS (default 2,000,000) targets: the longest single block of (a) one `JSON.parse`,
 * (b) the sliced parse the agent uses (longest slice), (c) a Worker that parses and posts the
 * groups back (the main thread's block is the structured-clone receive). Part 2, the real agent
 * (src/main.ts, the binary's flags) with an HTTP SD source answering AGENT_TARGETS (default
 * 200,000): `/healthz` polled every 10 ms from first byte to ready, gaps max / p99 / p50, the gaps
 * over 50 ms (count, and their ms beyond 50), and the agent main thread's CPU time within each
 * gap (`cpu*`: what a gap would be with a CPU of its own; on a busy machine the wall-clock gap
 * adds the wait for one). STATIC_TARGETS (default 0, e.g. 100000): also a reload to that many
 * `static:` targets, gaps from the reload's start to its answer (`static`), and a start with
 * them, gaps from the API's first answer to `/readyz` (`static_start`; `listenAfterMs`: from the
 * spawn to the API, the config parsed before it).
 *
 * Run: node_modules/.bin/deno run -A --unstable-net test/bench/big_load_bench.ts
 * Old code against new, interleaved on the same machine: bundle each (deno task bundle, copy
 * dist/vmprober.js away), then BIG_TARGETS=0 BENCH_RUNS=3 BENCH_ENTRIES=/tmp/old.js,/tmp/new.js.
 * An entry may carry its own variables and added V8 flags (bench_variant.ts), e.g.
 * `/tmp/new.js|V8=--heap-growing-percent=25`.
 */
import { runSliced } from "../../src/base/slices.ts";
import { parseJsonSteps } from "../../src/targets/sliced_json.ts";
import {
  type AgentProcess,
  denoFlags,
  startAgentProcess,
  writeConfig,
} from "../_support/agent_process.ts";
import { benchVariant } from "./bench_variant.ts";
import { histogramBuckets, quantile } from "./_metrics.ts";
import { startSdHttpServer } from "../_support/sd_http_server.ts";
import { bigSdBody, loopbackAddress, mainThreadCpuMs, type PollGaps } from "../_support/big_sd.ts";
import { bigHttpSdConfig, bigStaticConfig } from "../_support/big_load_configs.ts";
import { pollDuringReload, pollUntilReady } from "../_support/poll_during.ts";

const BIG = Number(Deno.env.get("BIG_TARGETS") ?? 2_000_000);
const AGENT = Number(Deno.env.get("AGENT_TARGETS") ?? 200_000);
const q = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))]!;
console.log(
  "machine:",
  navigator.hardwareConcurrency,
  "cores, load",
  Deno.readTextFileSync("/proc/loadavg").trim(),
);

// Part 1: one body, three ways (BIG_TARGETS=0 skips it).
if (BIG > 0) await part1();

async function part1() {
  const body = bigSdBody(BIG);
  console.log(`body: ${BIG} targets, ${(body.length / 2 ** 20).toFixed(1)} MiB`);
  let t = performance.now();
  JSON.parse(body);
  const whole = performance.now() - t;

  let longest = 0;
  let last = performance.now();
  const monitor = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  t = performance.now();
  await runSliced(parseJsonSteps(body));
  const slicedTotal = performance.now() - t;
  clearInterval(monitor);

  // A Worker parses; the main thread is blocked while it deserialises the posted groups (the
  // monitor's longest gap), however fast the worker was.
  let cloneBlock = 0;
  let workerTotal = 0;
  {
    const w = new Worker(
      URL.createObjectURL(
        new Blob([`self.onmessage = (e) => self.postMessage(JSON.parse(e.data));`], {
          type: "application/javascript",
        }),
      ),
      { type: "module" },
    );
    t = performance.now();
    let prev = performance.now();
    const mon = setInterval(() => {
      const now = performance.now();
      cloneBlock = Math.max(cloneBlock, now - prev);
      prev = now;
    }, 1);
    await new Promise<void>((resolve) => {
      w.onmessage = () => resolve();
      w.postMessage(body);
    });
    workerTotal = performance.now() - t;
    await new Promise((r) => setTimeout(r, 5));
    clearInterval(mon);
    w.terminate();
  }
  console.log(
    JSON.stringify({
      jsonParseBlockMs: Math.round(whole),
      slicedLongestBlockMs: Math.round(longest),
      slicedTotalMs: Math.round(slicedTotal),
      workerLongestBlockMs: Math.round(cloneBlock),
      workerTotalMs: Math.round(workerTotal),
    }),
  );
}

// Part 2: the agent, from source or from bundles (BENCH_ENTRIES=old.js,new.js: interleaved
// BENCH_RUNS times each, so a busy machine loads both alike).
const entries = (Deno.env.get("BENCH_ENTRIES") ?? "").split(",").filter(Boolean);
const runs = Number(Deno.env.get("BENCH_RUNS") ?? 1);
await using server = startSdHttpServer({ kind: "ok", body: bigSdBody(AGENT) });
const STATIC = Number(Deno.env.get("STATIC_TARGETS") ?? 0);
type Figures = Awaited<ReturnType<typeof measure>>;
const figures = new Map<string, Figures[]>();
for (let run = 0; run < runs; run++) {
  for (const entry of entries.length ? entries : [undefined]) {
    const kinds = STATIC > 0
      ? ["http_sd", "static", "static_start"] as const
      : ["http_sd"] as const;
    for (const kind of kinds) {
      const f = kind === "http_sd"
        ? await measure(entry)
        : kind === "static"
        ? await measureStatic(entry)
        : await measureStaticStart(entry);
      const name = `${entry ?? "src/main.ts"} ${kind}`;
      console.log(JSON.stringify({ entry: name, run, ...f, load: loadavg() }));
      figures.set(name, [...figures.get(name) ?? [], f]);
    }
  }
}
if (runs > 1) {
  const medians = {
    medianGapP50Ms: "healthzGapP50Ms",
    medianGapP99Ms: "healthzGapP99Ms",
    medianGapMaxMs: "healthzGapMaxMs",
    medianGapsOver50: "gapsOver50",
    medianMsOver50: "msOver50",
    medianCpuGapP99Ms: "cpuGapP99Ms",
    medianCpuGapMaxMs: "cpuGapMaxMs",
    medianReadyMs: "readyAfterMs",
    medianListenMs: "listenAfterMs",
    medianLagP99Ms: "lagP99Ms",
  } as const satisfies Record<string, keyof Figures>;
  for (const [entry, fs] of figures) {
    const med = Object.entries(medians).map(([name, k]) => [name, q(fs.map((f) => f[k]), 0.5)]);
    console.log(JSON.stringify({ entry, runs, ...Object.fromEntries(med) }));
  }
}
console.log("load after:", loadavg());

/** The scheduler's lag over the probes that ran during the load (1 h interval: a few hundred). */
async function lag(agent: AgentProcess) {
  // 2,000,000 targets: the exposition may be cut short (the scrape's own bounds); no figure then.
  const text = await agent.metrics().catch(() => "");
  const buckets = histogramBuckets(text, "vmprober_scheduler_lag_seconds");
  return {
    lagRuns: buckets.at(-1)?.[1] ?? 0,
    lagP99Ms: buckets.length ? Math.round(quantile(buckets, 0.99) * 1000) : -1,
  };
}

function summary(gaps: PollGaps) {
  return {
    polls: gaps.polls,
    healthzGapMaxMs: Math.round(gaps.maxMs),
    healthzGapP99Ms: Math.round(q(gaps.gaps, 0.99)),
    healthzGapP50Ms: Math.round(q(gaps.gaps, 0.5)),
    // A p99 of a shorter load is nearer its max (fewer polls): the gaps over 50 ms, and the time
    // they held beyond it, compare loads of different lengths.
    gapsOver50: gaps.gaps.filter((g) => g > 50).length,
    msOver50: Math.round(gaps.gaps.reduce((s, g) => s + Math.max(0, g - 50), 0)),
    cpuGapMaxMs: Math.round(Math.max(...gaps.cpuGaps)),
    cpuGapP99Ms: Math.round(q(gaps.cpuGaps, 0.99)),
  };
}

/**
 * Starts the agent (`entry`, or src/main.ts) on `config(dir)`, runs `before` (untimed), then
 * times `poll` (from its start to its end: `readyAfterMs`) and reports its gaps and the lag.
 */
async function measureAgent(
  entry: string | undefined,
  run: {
    prefix: string;
    targets: number;
    config: (dir: string) => string;
    before?: (path: string, dir: string) => Promise<void>;
    poll: (agent: AgentProcess, cpu: () => number) => Promise<PollGaps>;
  },
) {
  const dir = await Deno.makeTempDir({ prefix: run.prefix });
  const path = await writeConfig(run.config(dir), dir);
  const v = entry === undefined ? undefined : benchVariant(entry, denoFlags());
  const spawned = performance.now();
  const agent = await startAgentProcess(path, {
    startTimeoutMs: 60_000,
    entry: v?.path,
    flags: v?.flags,
    env: v?.env,
  });
  const listenAfterMs = Math.round(performance.now() - spawned);
  try {
    await run.before?.(path, dir);
    const t = performance.now();
    const gaps = await run.poll(agent, mainThreadCpuMs(agent.child.pid));
    return {
      agentTargets: run.targets,
      listenAfterMs,
      readyAfterMs: Math.round(performance.now() - t),
      ...summary(gaps),
      ...await lag(agent),
    };
  } finally {
    await agent.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

/** A reload from one static target to STATIC: gaps from the reload request to its answer. */
function measureStatic(entry: string | undefined) {
  return measureAgent(entry, {
    prefix: "vmprober-bigstatic-",
    targets: STATIC,
    config: (dir) => bigStaticConfig(dir, [loopbackAddress(0)], { port: 9 }),
    before: (path, dir) =>
      Deno.writeTextFile(
        path,
        bigStaticConfig(dir, Array.from({ length: STATIC }, (_, i) => loopbackAddress(i)), {
          port: 9,
        }),
      ),
    poll: async (agent, cpu) => {
      const { answer, gaps } = await pollDuringReload(agent.url, 300_000, cpu);
      if (answer.status !== 200) {
        throw new Error(`Cannot reload to ${STATIC} targets: ${answer.status} ${answer.text}`);
      }
      return gaps;
    },
  });
}

/** A start with STATIC static targets: gaps from the API's first answer to `/readyz`. */
function measureStaticStart(entry: string | undefined) {
  return measureAgent(entry, {
    prefix: "vmprober-bigstatic-start-",
    targets: STATIC,
    config: (dir) =>
      bigStaticConfig(dir, Array.from({ length: STATIC }, (_, i) => loopbackAddress(i)), {
        port: 9,
      }),
    poll: (agent, cpu) => pollUntilReady(agent.url, 300_000, cpu),
  });
}

function loadavg(): string {
  return Deno.readTextFileSync("/proc/loadavg").trim();
}

/** The first load of AGENT targets from the HTTP SD server: gaps from start-up to `/readyz`. */
function measure(entry: string | undefined) {
  return measureAgent(entry, {
    prefix: "vmprober-bigload-",
    targets: AGENT,
    config: (dir) =>
      bigHttpSdConfig(dir, server.url, {
        port: 9,
        timeout: "60s",
        maxBytes: "512MiB",
        maxTargets: 5_000_000,
      }),
    poll: (agent, cpu) => pollUntilReady(agent.url, 300_000, cpu),
  });
}
