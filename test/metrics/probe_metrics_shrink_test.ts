/** The live metrics after a reload removed most jobs: the histogram slabs shrink, pages stay. */
import assert from "node:assert/strict";
import { createProbeMetrics, type ProbeMetrics } from "../../src/metrics/probe_metrics.ts";
import { runSync } from "../../src/base/slices.ts";
import type { ResultRecord } from "../../src/results/types.ts";
import { oneEchoStats } from "../_support/one_echo_stats.ts";
import { jobKey } from "../../src/base/job_key.ts";

const BUCKETS = [0.0001, 0.001, 0.01];

/** Run `n` of ICMP job `i`: figures that differ from job to job and run to run. */
const record = (i: number, n: number): ResultRecord => {
  const target = `127.${i >> 16}.${(i >> 8) & 255}.${i & 255}`;
  return {
    timestampMs: 1_700_000_000_000 + n,
    target,
    probe: "ping",
    key: jobKey("ping", target),
    type: "icmp",
    labels: {},
    success: true,
    durationSeconds: ((i * 7 + n) % 200) / 10_000,
    attempts: 1,
    ipProtocol: 4,
    icmp: oneEchoStats(((i * 13 + n) % 300) / 100_000),
  };
};

/** Every job's first run, then a second run of every third job. */
function feed(metrics: ProbeMetrics, jobs: readonly number[]): void {
  metrics.write(jobs.map((i) => record(i, 0)));
  metrics.write(jobs.filter((i) => i % 3 === 0).map((i) => record(i, 1)));
}

const samples = (page: string) => page.split("\n").filter((l) => l && !l.startsWith("#"));

Deno.test("retainSteps() from 200,000 ICMP jobs down to 100 shrinks the histogram slabs to one each", () => {
  const all = Array.from({ length: 200_000 }, (_, i) => i);
  const kept = all.filter((i) => i % 2000 === 1);
  const metrics = createProbeMetrics({ buckets: BUCKETS });
  feed(metrics, all);
  assert.equal(metrics.histogramRows, 2 * 200_192);

  const keys = new Set(kept.map((i) => record(i, 0).key));
  runSync(metrics.retainSteps(keys));
  assert.equal(metrics.series, 100);
  assert.equal(metrics.histogramRows, 2 * 256);

  // The same page as an agent that only ever had those 100 jobs, now and after more runs.
  const only = createProbeMetrics({ buckets: BUCKETS });
  feed(only, kept);
  assert.equal(metrics.render(), only.render());
  const later = [...kept.map((i) => record(i, 2)), record(5, 0)];
  metrics.write(later);
  only.write(later);
  assert.equal(metrics.render(), only.render());
});

Deno.test("retainSteps() compaction leaves every sample of the remaining jobs as it was", () => {
  const all = Array.from({ length: 3000 }, (_, i) => i);
  const kept = all.filter((i) => i % 300 === 299);
  const metrics = createProbeMetrics({ buckets: BUCKETS });
  feed(metrics, all);
  const targets = kept.map((i) => `target="${record(i, 0).target}"`);
  const before = samples(metrics.render()).filter((l) => targets.some((t) => l.includes(t)));
  assert.equal(before.length, 10 * 40); // 40 samples an ICMP job

  runSync(metrics.retainSteps(new Set(kept.map((i) => record(i, 0).key))));
  assert.equal(metrics.histogramRows, 2 * 256);
  assert.deepEqual(samples(metrics.render()), before);
});

Deno.test("a scrape begun before the compaction serves the figures of its moment", () => {
  const all = Array.from({ length: 3000 }, (_, i) => i);
  const metrics = createProbeMetrics({ buckets: BUCKETS });
  feed(metrics, all);
  const kept = all.filter((i) => i % 100 === 0);
  const whole = metrics.render();
  const page = metrics.chunks(64);
  const first = page.next().value!;
  runSync(metrics.retainSteps(new Set(kept.map((i) => record(i, 0).key))));
  metrics.write(kept.map((i) => record(i, 9)));
  assert.equal(first + [...page].join(""), whole);
});
