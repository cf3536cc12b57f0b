/**
 * Target discovery at fleet scale: 10,000 targets from a file source are loaded, deduplicated
 * (a second file repeats 1,000 of them) and scheduled; then a reload that changes one target of
 * the 10,000 touches only that one (checked: the scheduler reports changed=1, unchanged=9,999).
 *
 * Run: node_modules/.bin/deno bench -A --no-check test/bench/targets_bench.ts
 */
import { Registry } from "../../src/base/prom.ts";
import { configSchema } from "../../src/config/schema.ts";
import { createWorkerPool } from "../../src/pool/worker_pool.ts";
import { buildJobs } from "../../src/schedule/job.ts";
import { createScheduler, type JobSpec } from "../../src/schedule/scheduler.ts";
import { systemClock } from "../../src/base/clock.ts";
import { buildSources } from "../../src/targets/build_sources.ts";
import { createTargetManager } from "../../src/targets/manager.ts";
import type { Target } from "../../src/targets/types.ts";

const N = 10_000;
const dir = await Deno.makeTempDir({ prefix: "vmprober-bench-" });
const address = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:22`;
const inventory = (relabel: number | undefined) =>
  JSON.stringify(
    Array.from({ length: N / 100 }, (_, g) => ({
      targets: Array.from({ length: 100 }, (_, j) => address(g * 100 + j)),
      labels: {
        rack: `r${g}`,
        ...(relabel !== undefined && g === relabel ? { moved: "yes" } : {}),
      },
    })),
  );
await Deno.writeTextFile(`${dir}/a.json`, inventory(undefined));
await Deno.writeTextFile(
  `${dir}/dupes.json`,
  JSON.stringify([{
    targets: Array.from({ length: 1000 }, (_, i) => address(i * 10)),
    labels: { dupe: "1" },
  }]),
);
const config = configSchema.parse({
  defaults: { interval: "15s" },
  probes: { ssh: { type: "tcp", port: 22 } },
  targets: [
    { name: "inventory", file: { paths: ["a.json"] }, probes: ["ssh"] },
    { name: "dupes", file: { paths: ["dupes.json"] }, probes: ["ssh"] },
  ],
});
const log = { debug() {}, info() {}, warn() {}, error() {} } as never;
const specs = (targets: readonly Target[]): JobSpec[] =>
  buildJobs(targets, config).jobs.map((d) => ({
    key: d.key,
    host: d.job.host,
    intervalMs: d.intervalMs,
    jitter: d.jitter,
    version: d.version,
    run: () => Promise.resolve(),
  }));

/** The scheduler both benchmarks feed: 512 workers, 2,000 probes/s, 20 per host. */
const benchScheduler = () =>
  createScheduler({
    clock: systemClock,
    pool: createWorkerPool({ concurrency: 512, maxQueue: 100_000 }),
    globalRate: 2000,
    perHostRate: 20,
  });

Deno.bench("10,000 targets from a file source: load, dedupe, schedule", async (b) => {
  const scheduler = benchScheduler();
  b.start();
  await using manager = createTargetManager({
    sources: buildSources(config, { configDir: dir }),
    registry: new Registry(),
    logger: log,
  });
  await manager.start(new AbortController().signal);
  const summary = scheduler.update(specs(manager.targets()));
  b.end();
  if (manager.targets().length !== N || summary.added !== N) {
    throw new Error(
      `expected ${N} targets, got ${manager.targets().length} (${JSON.stringify(summary)})`,
    );
  }
});

Deno.bench("reload changing 1 target of 10,000 (file re-read, merge, diff)", async (b) => {
  const scheduler = benchScheduler();
  await Deno.writeTextFile(`${dir}/a.json`, inventory(undefined));
  await using manager = createTargetManager({
    sources: buildSources(config, { configDir: dir }),
    registry: new Registry(),
    logger: log,
  });
  await manager.start(new AbortController().signal);
  scheduler.update(specs(manager.targets()));
  // One target moves to a group of its own with a new label; the other 9,999 stay as they were.
  const edited = JSON.parse(inventory(undefined));
  edited[0].targets = edited[0].targets.filter((t: string) => t !== address(1));
  edited.push({ targets: [address(1)], labels: { rack: "r0", moved: "yes" } });
  await Deno.writeTextFile(`${dir}/a.json`, JSON.stringify(edited));
  b.start();
  await manager.refresh("inventory");
  const summary = scheduler.update(specs(manager.targets()));
  b.end();
  if (summary.changed !== 1 || summary.unchanged !== N - 1 || summary.added || summary.removed) {
    throw new Error(`a reload touched more than one target: ${JSON.stringify(summary)}`);
  }
});

globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
