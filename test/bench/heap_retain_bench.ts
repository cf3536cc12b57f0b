/**
 * The scheduler's timer heap cleaned after a reload removed most jobs: RETAIN_EVENTS (default
 * 2,000,000) events, one in ten kept. `TimerHeap.retain` (one call: the event loop held for all
 * of it) against `retainSteps` under `runSliced` (the longest block between two event-loop turns,
 * and the total), BENCH_RUNS (default 3) times each, interleaved.
 *
 * Run: node_modules/.bin/deno run -A test/bench/heap_retain_bench.ts
 */
import { TimerHeap } from "../../src/schedule/heap.ts";
import { runSliced } from "../../src/base/slices.ts";

const N = Number(Deno.env.get("RETAIN_EVENTS") ?? 2_000_000);
const RUNS = Number(Deno.env.get("BENCH_RUNS") ?? 3);
type Ev = { due: number; id: number };

function filled(): TimerHeap<Ev> {
  const h = new TimerHeap<Ev>();
  for (let id = 0; id < N; id++) h.push({ due: (id * 7919) % 3_600_000, id });
  return h;
}
const keep = (ev: Ev) => ev.id % 10 === 0;
const q50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

console.log("load", Deno.readTextFileSync("/proc/loadavg").trim());
const whole: number[] = [];
const longest: number[] = [];
const total: number[] = [];
for (let r = 0; r < RUNS; r++) {
  let h = filled();
  let t = performance.now();
  h.retain(keep);
  whole.push(performance.now() - t);
  h = filled();
  let max = 0;
  let last = performance.now();
  const monitor = setInterval(() => {
    const now = performance.now();
    max = Math.max(max, now - last);
    last = now;
  }, 1);
  t = performance.now();
  await runSliced(h.retainSteps(keep));
  total.push(performance.now() - t);
  clearInterval(monitor);
  longest.push(max);
  if (h.size !== N / 10) throw new Error(`kept ${h.size}`);
}
console.log(JSON.stringify({
  events: N,
  runs: RUNS,
  retainOneCallMs: Math.round(q50(whole)),
  retainStepsLongestBlockMs: Math.round(q50(longest)),
  retainStepsTotalMs: Math.round(q50(total)),
}));
console.log("load after", Deno.readTextFileSync("/proc/loadavg").trim());
