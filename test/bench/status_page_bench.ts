/**
 * The status page at fleet scale: render times of `GET /` (first page, text filter, sort by
 * loss over the whole window, last page), its JSON parts and one target's page, over 10,000 jobs
 * whose history ring is full (60 one-minute steps, 10 last results each); the cost of feeding
 * the ring; and, printed once, the ring's memory for 10,000 jobs (typed arrays, and heap plus
 * external memory measured around it with V8's gc).
 *
 * Run: node_modules/.bin/deno bench -A --no-check --v8-flags=--expose-gc test/bench/status_page_bench.ts
 */
import { NOW, statusFixture } from "../_support/status_fixture.ts";
import {
  createRecentRing,
  historyBytesPerJob,
  type RecentRing,
} from "../../src/results/recent_ring.ts";
import type { ResultRecord } from "../../src/results/types.ts";
import { jobKey } from "../../src/base/job_key.ts";

const N = 10_000;
const SHAPE = { windowMs: 3_600_000, stepMs: 60_000, results: 10 };
const gc = (globalThis as { gc?: () => void }).gc;

function icmpRecord(i: number, t: number): ResultRecord {
  const rtt = 0.001 + (i % 17) * 1e-4;
  const target = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  return {
    key: jobKey("icmp", target),
    timestampMs: t,
    target,
    probe: "icmp",
    type: "icmp",
    labels: {},
    attempts: 1,
    success: true,
    durationSeconds: 0.2,
    icmp: {
      sent: 3,
      received: 3,
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

/**
 * Writes one hour of results, a batch per step. In a function of its own so that no frame still
 * running at the gc holds the last batch (garbage once written).
 */
function fill(ring: RecentRing, n: number): void {
  for (let k = 59; k >= 0; k--) {
    ring.write(Array.from({ length: n }, (_, i) => icmpRecord(i, NOW - k * 60_000)));
  }
}

/** Memory of a full ring for `n` jobs: typed arrays, and measured heap + external growth. */
function measureRing(n: number) {
  gc?.();
  const before = Deno.memoryUsage();
  const ring = createRecentRing(SHAPE);
  fill(ring, n);
  gc?.();
  const after = Deno.memoryUsage();
  const measured = after.heapUsed + after.external - before.heapUsed - before.external;
  return { ring, typed: ring.bytes(), measured };
}

// A first ring warms up (compiled code is not the ring's memory) and stays alive, so no buffer
// of it is freed while the second one is measured.
const warm = measureRing(N);
const mem = measureRing(N);
console.log(
  `history ring, ${N} jobs (1h of 1m steps + 10 results): typed arrays ${mem.typed} B ` +
    `(${(mem.typed / N).toFixed(0)} B/job; formula ${historyBytesPerJob(SHAPE)} B/job), ` +
    `measured heap+external ${mem.measured} B (${(mem.measured / N).toFixed(0)} B/job, with ` +
    `the key map)${gc ? "" : " [run with --v8-flags=--expose-gc for a clean figure]"}`,
);

warm.ring.retain(new Set());
const { app } = statusFixture({ jobs: N });
const get = async (path: string) => {
  const res = await app.request(path);
  if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
  await res.arrayBuffer();
};
for (const path of ["/", "/?sort=loss&order=desc"]) await get(path); // warm up

Deno.bench("GET / over 10,000 jobs (first page of 100, down first)", async () => {
  await get("/");
});
Deno.bench("GET /?q=icmp+dc2 (text filter over 10,000 jobs)", async () => {
  await get("/?q=icmp+dc2");
});
Deno.bench("GET /?sort=loss&order=desc (1h loss of 10,000 jobs)", async () => {
  await get("/?sort=loss&order=desc");
});
Deno.bench("GET /?status=up&page=90 (status filter, a late page)", async () => {
  await get("/?status=up&page=90");
});
Deno.bench("GET /parts/index (the refresh script's JSON)", async () => {
  await get("/parts/index");
});
Deno.bench("GET /target (60 points, 10 results)", async () => {
  await get("/target?probe=icmp&target=10.0.0.20");
});

const feed = createRecentRing(SHAPE);
const batch = Array.from({ length: N }, (_, i) => icmpRecord(i, NOW));
let t = NOW;
Deno.bench("history ring: write 10,000 ICMP results", () => {
  t += 15_000;
  for (const r of batch) r.timestampMs = t;
  feed.write(batch);
});
