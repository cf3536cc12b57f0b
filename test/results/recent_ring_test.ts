import assert from "node:assert/strict";
import { createRecentRing, historyBytesPerJob } from "../../src/results/recent_ring.ts";
import type { ResultRecord } from "../../src/results/types.ts";
import { jobKey } from "../../src/base/job_key.ts";

const SHAPE = { windowMs: 60_000, stepMs: 10_000, results: 4 };
const T0 = 1_700_000_000_000; // a multiple of 10 s

function tcp(t: number, over: Partial<ResultRecord> = {}): ResultRecord {
  const r: Omit<ResultRecord, "key"> = {
    timestampMs: t,
    target: "10.0.0.1:22",
    probe: "ssh",
    type: "tcp",
    labels: {},
    attempts: 1,
    success: true,
    durationSeconds: 0.01,
    ...over,
  };
  return { ...r, key: jobKey(r.probe, r.target) };
}

function icmp(t: number, rtts: number[], sent = 4): ResultRecord {
  const sorted = [...rtts].sort((a, b) => a - b);
  return tcp(t, {
    target: "10.0.0.1",
    probe: "icmp",
    type: "icmp",
    success: rtts.length > 0,
    reason: rtts.length > 0 ? undefined : "timeout",
    icmp: {
      sent,
      received: rtts.length,
      lossRatio: 1 - rtts.length / sent,
      rttsSeconds: rtts,
      minSeconds: sorted[0] ?? NaN,
      medianSeconds: sorted[Math.floor(sorted.length / 2)] ?? NaN,
      avgSeconds: NaN,
      maxSeconds: sorted[sorted.length - 1] ?? NaN,
      stddevSeconds: NaN,
    },
  });
}

const near = (a: number, b: number) => assert.ok(Math.abs(a - b) / b < 3e-4, `${a} ≉ ${b}`);

Deno.test("createRecentRing() merges runs of one step: min of mins, max of maxes, mean loss", () => {
  const ring = createRecentRing(SHAPE);
  ring.write([icmp(T0 + 1000, [0.001, 0.002, 0.004, 0.003]), icmp(T0 + 6000, [0.0005, 0.008])]);
  const [p, ...rest] = ring.points("icmp|10.0.0.1", T0 + 9000);
  assert.equal(rest.length, 0);
  assert.equal(p!.timeMs, T0);
  assert.equal(p!.runs, 2);
  near(p!.minSeconds, 0.0005);
  near(p!.maxSeconds, 0.008);
  near(p!.loss, 0.25); // (0 + 0.5) / 2
  // The medians 0.003 and 0.008 averaged in the log domain: sqrt(0.003 × 0.008).
  near(p!.medianSeconds, Math.sqrt(0.003 * 0.008));
});

Deno.test("createRecentRing() keeps one point per step with data, oldest first, inside the window", () => {
  const ring = createRecentRing(SHAPE);
  for (const k of [0, 1, 3, 4]) {
    ring.write([tcp(T0 + k * 10_000, { durationSeconds: 0.001 * (k + 1) })]);
  }
  const points = ring.points("ssh|10.0.0.1:22", T0 + 45_000);
  assert.deepEqual(points.map((p) => (p.timeMs - T0) / 10_000), [0, 1, 3, 4]);
  near(points[3]!.medianSeconds, 0.005);
  // 6 buckets: at T0+65s bucket 0 has left the window, at T0+95s only 4 is left.
  assert.deepEqual(ring.points("ssh|10.0.0.1:22", T0 + 65_000).map((p) => p.timeMs - T0), [
    10_000,
    30_000,
    40_000,
  ]);
  assert.deepEqual(ring.points("ssh|10.0.0.1:22", T0 + 95_000).map((p) => p.timeMs - T0), [
    40_000,
  ]);
});

Deno.test("createRecentRing() clears buckets it wraps over after a gap", () => {
  const ring = createRecentRing(SHAPE);
  for (let k = 0; k < 6; k++) ring.write([tcp(T0 + k * 10_000)]);
  ring.write([tcp(T0 + 80_000, { success: false, reason: "refused" })]); // skips 6 and 7
  const points = ring.points("ssh|10.0.0.1:22", T0 + 80_000);
  assert.deepEqual(points.map((p) => (p.timeMs - T0) / 10_000), [3, 4, 5, 8]);
  assert.equal(points[3]!.loss, 1);
  assert.ok(Number.isNaN(points[3]!.medianSeconds), "a failed TCP run has no RTT");
  assert.equal(points[3]!.runs, 1);
  assert.equal(ring.loss("ssh|10.0.0.1:22", T0 + 80_000), 0.25);
});

Deno.test("createRecentRing() counts a result older than the window only in the last results", () => {
  const ring = createRecentRing(SHAPE);
  ring.write([tcp(T0 + 100_000)]);
  ring.write([tcp(T0, { success: false, reason: "timeout" })]);
  assert.equal(ring.points("ssh|10.0.0.1:22", T0 + 100_000).length, 1);
  assert.equal(ring.loss("ssh|10.0.0.1:22", T0 + 100_000), 0);
  assert.deepEqual(ring.recent("ssh|10.0.0.1:22").map((r) => r.reason), ["timeout", null]);
});

Deno.test("createRecentRing() keeps the last N results newest first, with reasons and loss", () => {
  const ring = createRecentRing(SHAPE);
  const reasons = [undefined, "refused", "timeout", undefined, "dns", "error"] as const;
  reasons.forEach((reason, k) =>
    ring.write([tcp(T0 + k * 1000, { success: !reason, reason, durationSeconds: k })])
  );
  ring.write([icmp(T0 + 9000, [0.001], 4)]);
  const recent = ring.recent("ssh|10.0.0.1:22");
  assert.deepEqual(
    recent.map((r) => [r.timeMs - T0, r.reason, r.durationSeconds, r.rttSeconds, r.loss]),
    [
      [5000, "error", 5, NaN, null],
      [4000, "dns", 4, NaN, null],
      [3000, null, 3, 3, null], // a TCP success: its connect time
      [2000, "timeout", 2, NaN, null],
    ],
  );
  const [ping] = ring.recent("icmp|10.0.0.1");
  assert.equal(ping!.loss, 0.75);
  assert.equal(ping!.rttSeconds, Math.fround(0.001)); // the median, as float32
  assert.deepEqual(ring.recent("nope|x"), []);
  assert.deepEqual(ring.points("nope|x", T0), []);
  assert.equal(ring.loss("nope|x", T0), null);
});

Deno.test("createRecentRing() retain() forgets jobs and a reused slot starts empty", () => {
  const ring = createRecentRing(SHAPE);
  ring.write([tcp(T0), icmp(T0, [0.001])]);
  ring.retain(new Set(["icmp|10.0.0.1"]));
  assert.deepEqual(ring.points("ssh|10.0.0.1:22", T0), []);
  assert.deepEqual(ring.recent("ssh|10.0.0.1:22"), []);
  ring.write([tcp(T0 + 10_000, { target: "10.0.0.9:22" })]); // takes the freed slot
  assert.equal(ring.points("ssh|10.0.0.9:22", T0 + 10_000).length, 1);
  assert.equal(ring.recent("ssh|10.0.0.9:22").length, 1);
  assert.equal(ring.points("icmp|10.0.0.1", T0 + 10_000).length, 1);
});

Deno.test("createRecentRing() memory is slabs of 256 jobs at historyBytesPerJob() each", () => {
  const ring = createRecentRing(SHAPE);
  assert.equal(ring.bytes(), 0);
  for (let i = 0; i < 257; i++) ring.write([tcp(T0, { target: `10.0.${i >> 8}.${i & 255}:22` })]);
  assert.equal(historyBytesPerJob(SHAPE), 6 * 12 + 4 * 18 + 12);
  assert.equal(ring.bytes(), 2 * 256 * historyBytesPerJob(SHAPE));
  const dflt = { windowMs: 3_600_000, stepMs: 60_000, results: 10 };
  assert.equal(historyBytesPerJob(dflt), 912);
});

Deno.test("createRecentRing() saturates counters instead of wrapping", () => {
  const ring = createRecentRing({ windowMs: 10_000, stepMs: 10_000, results: 0 });
  const many = Array.from({ length: 70_000 }, (_, k) => tcp(T0 + (k % 10_000)));
  ring.write(many);
  const [p] = ring.points("ssh|10.0.0.1:22", T0);
  assert.equal(p!.runs, 65535);
  near(p!.medianSeconds, 0.01);
  assert.deepEqual(ring.recent("ssh|10.0.0.1:22"), []);
});

Deno.test("createRecentRing() keeps results with an insane timestamp out of the buckets", () => {
  const ring = createRecentRing(SHAPE);
  ring.write([tcp(T0)]);
  ring.write([tcp(-5), tcp(NaN), tcp(Infinity), tcp(1e300)]);
  assert.equal(ring.points("ssh|10.0.0.1:22", T0).length, 1);
  assert.equal(ring.points("ssh|10.0.0.1:22", T0)[0]!.runs, 1);
  assert.equal(ring.recent("ssh|10.0.0.1:22").length, 4);
});
