import assert from "node:assert/strict";
import { createLastResults } from "../../src/results/last_results.ts";
import { createNormalizer } from "../../src/results/normalizer.ts";
import { createRecentRing } from "../../src/results/recent_ring.ts";
import { createProbeMetrics } from "../../src/metrics/probe_metrics.ts";
import { runSync, type Steps } from "../../src/base/slices.ts";
import type { ResultRecord } from "../../src/results/types.ts";
import { jobKey } from "../../src/base/job_key.ts";

const labels = { rack: "r1" };
const record = (i: number): ResultRecord => {
  const target = `10.0.${i >> 8}.${i & 255}:22`;
  return {
    key: jobKey("tcp", target),
    target,
    probe: "tcp",
    type: "tcp",
    labels,
    job: "tcp",
    success: true,
    durationSeconds: 0.001,
    attempts: 1,
    timestampMs: 1_700_000_000_000 + i,
  };
};

/** Runs `steps` to the end, counting its pauses. */
function pauses<T>(steps: Steps<T>): [T, number] {
  let n = 0;
  for (;;) {
    const r = steps.next();
    if (r.done) return [r.value, n];
    n++;
  }
}

Deno.test("retainSteps() of the per-job tables pause every few hundred jobs and forget the same", () => {
  const last = createLastResults();
  const metrics = createProbeMetrics({ buckets: [0.01, 0.1] });
  const ring = createRecentRing({ windowMs: 3_600_000, stepMs: 60_000, results: 10 });
  const normalizer = createNormalizer({ metrics, last, ring });
  const records = Array.from({ length: 3000 }, (_, i) => record(i));
  for (const r of records) normalizer.accept(r, r, r.timestampMs);
  const keep = new Set(records.filter((_, i) => i % 3 === 0).map((r) => r.key));

  const [gone, lastPauses] = pauses(last.retainSteps(keep));
  assert.equal(gone.length, 2000);
  assert.ok(gone.every((r) => !keep.has(r.key)));
  assert.ok(lastPauses >= 10, `${lastPauses} pauses`);
  assert.equal(last.get(records[0]!.key)?.target, records[0]!.target);
  assert.equal(last.get(records[1]!.key), undefined);

  assert.ok(pauses(metrics.retainSteps(keep))[1] >= 10);
  assert.equal(metrics.series, 1000);
  assert.ok(pauses(ring.retainSteps(keep))[1] >= 10);
  assert.deepEqual(ring.recent(records[1]!.key), []);
  assert.equal(ring.recent(records[0]!.key).length, 1);
  assert.ok(pauses(normalizer.retainSteps(keep))[1] >= 10);
  // retain() is the same in one go.
  assert.deepEqual(runSync(last.retainSteps(new Set())).length, 1000);
});
