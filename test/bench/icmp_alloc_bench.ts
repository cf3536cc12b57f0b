/**
 * @module Heap allocated per ICMP job run, end to end: the job runner, the ICMP probe (one echo
 * to a loopback address on the in-process socket helper) and every sink the agent writes a
 * result to (live metrics, last results, history, the WAL sink's encoder). Batches of 500 jobs
 * run at once, as the scheduler fires a batch window; the young generation is made large enough
 * that no scavenge runs inside a batch, so the growth of `heapUsed` over a batch is what it
 * allocated. Prints the median and least bytes per job run of 10 batches.
 *
 * Run (as root, or where raw/datagram ICMP sockets open):
 * `deno run -A --unstable-net --v8-flags=--expose-gc,--min-semi-space-size=64,--max-semi-space-size=64 test/bench/icmp_alloc_bench.ts`
 */
import { createIcmpProbe } from "../../src/probes/icmp/icmp_probe.ts";
import { createNormalizer } from "../../src/results/normalizer.ts";
import { createLastResults } from "../../src/results/last_results.ts";
import { createRecentRing } from "../../src/results/recent_ring.ts";
import { createProbeMetrics } from "../../src/metrics/probe_metrics.ts";
import { createWalSink } from "../../src/wal/wal_sink.ts";
import { toJobSpec } from "../../src/results/job_runner.ts";
import type { JobDef } from "../../src/schedule/job.ts";
import type { Wal } from "../../src/wal/types.ts";
import { systemClock } from "../../src/base/clock.ts";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --v8-flags=--expose-gc,--min-semi-space-size=64,...");
const JOBS = 500;
const BATCHES = 10;

const probe = createIcmpProbe({ helper: "socket" });
// The WAL's append queue copies the bytes it is lent: so does this one.
const wal = { append: (bytes: Uint8Array) => void bytes.slice() } as unknown as Wal;
const normalizer = createNormalizer({
  metrics: createProbeMetrics({ buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] }),
  last_results: createLastResults(),
  history: createRecentRing({ windowMs: 3_600_000, stepMs: 60_000, results: 10 }),
  wal: createWalSink(wal),
});
let wall = Date.now();
// A wall clock a millisecond on per run: no result is a duplicate of the one before.
const clock = { ...systemClock, wallNow: () => wall++ };
const deps = {
  probes: { get: () => probe },
  normalizer,
  clock,
  signal: new AbortController().signal,
};
const ip = (i: number) => `127.0.${i >> 8}.${(i % 250) + 1}`;
const specs = Array.from({ length: JOBS }, (_, i) =>
  toJobSpec(
    {
      key: `icmp|${ip(i)}`,
      intervalMs: 10_000,
      jitter: 0.5,
      version: "v",
      retries: 0,
      labels: {},
      jobName: "icmp",
      job: {
        target: ip(i),
        host: ip(i),
        probe: "icmp",
        type: "icmp",
        timeoutMs: 1000,
        ipProtocol: "ip4",
        options: { type: "icmp", count: 1 },
      },
    } as JobDef,
    deps as Parameters<typeof toJobSpec>[1],
  ));
await Promise.all(specs.map((s) => s.run())); // caches and code warm
const perRun: number[] = [];
for (let b = 0; b < BATCHES; b++) {
  gc();
  const before = Deno.memoryUsage().heapUsed;
  await Promise.all(specs.map((s) => s.run()));
  perRun.push((Deno.memoryUsage().heapUsed - before) / JOBS);
}
await probe.close();
perRun.sort((a, b) => a - b);
console.log(
  `heap per ICMP job run: median ${Math.round(perRun[BATCHES >> 1]!)} B, ` +
    `least ${Math.round(perRun[0]!)} B (${BATCHES} batches of ${JOBS})`,
);
