import assert from "node:assert/strict";
import {
  mapSteps,
  runSliced,
  runSync,
  setSteps,
  SLICE_MS,
  type Steps,
} from "../../src/base/slices.ts";

function* busy(ms: number, slices: number[]): Steps<number> {
  let n = 0;
  for (let s = 0; s < slices.length; s++) {
    const start = performance.now();
    while (performance.now() - start < ms) n++;
    slices[s] = performance.now() - start;
    yield;
  }
  return n;
}

Deno.test("runSliced() gives the event loop a turn between slices of about budgetMs", async () => {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  try {
    const slices = new Array<number>(40).fill(0);
    const n = await runSliced(busy(2, slices), { budgetMs: 5 });
    assert.ok(n > 0);
    // 40 steps of 2 ms in slices of >= 5 ms: about 13-20 pauses, each letting the timer run.
    assert.ok(ticks >= 5, `the interval ran ${ticks} times`);
  } finally {
    clearInterval(timer);
  }
});

Deno.test("runSliced() rejects with the signal's reason at the next pause and closes the steps", async () => {
  const stop = new AbortController();
  let closed = false;
  let steps = 0;
  function* forever(): Steps<void> {
    try {
      for (;;) {
        steps++;
        if (steps === 3) setTimeout(() => stop.abort(new RangeError("stop now")), 0);
        const start = performance.now();
        while (performance.now() - start < 2) { /* work */ }
        yield;
      }
    } finally {
      closed = true;
    }
  }
  await assert.rejects(runSliced(forever(), { signal: stop.signal, budgetMs: 1 }), RangeError);
  assert.ok(closed);
  assert.ok(steps < 10, `${steps} steps ran after the abort`);
  await assert.rejects(runSliced(forever(), { signal: stop.signal }), /stop now/);
});

Deno.test("runSync(), mapSteps() and setSteps() give the plain loop's result", () => {
  const items = Array.from({ length: 1000 }, (_, i) => i % 300);
  assert.deepEqual(runSync(mapSteps(items, (x) => x + 1)), items.map((x) => x + 1));
  assert.deepEqual(runSync(setSteps(items, (x) => `k${x}`)), new Set(items.map((x) => `k${x}`)));
});

Deno.test("runSliced() by default ends a slice within one step of SLICE_MS (5 ms)", async () => {
  // A request arriving during a load waits out one slice: the default must stay short.
  assert.ok(SLICE_MS <= 5, `SLICE_MS is ${SLICE_MS}`);
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  // Steps of 1 ms; a slice is the run of steps between two turns of the loop (the timer ran).
  const perSlice: number[] = [0];
  let seen = 0;
  function* steps(): Steps<void> {
    for (let i = 0; i < 60; i++) {
      if (ticks !== seen) {
        seen = ticks;
        perSlice.push(0);
      }
      const start = performance.now();
      while (performance.now() - start < 1) { /* work */ }
      perSlice[perSlice.length - 1]!++;
      yield;
    }
  }
  try {
    await runSliced(steps());
  } finally {
    clearInterval(timer);
  }
  // A busy machine only makes steps longer in wall time, so fewer fit a slice, never more.
  const longest = Math.max(...perSlice);
  assert.ok(longest <= SLICE_MS + 1, `a slice of ${longest} steps of 1 ms`);
  assert.ok(perSlice.length >= 60 / (SLICE_MS + 1), `${perSlice.length} slices`);
});
