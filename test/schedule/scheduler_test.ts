import assert from "node:assert/strict";
import type { JobSpec } from "../../src/schedule/scheduler.ts";
import { jitterPhase } from "../../src/schedule/jitter.ts";
import { recordingJob, schedulerSetup } from "../_support/scheduler_fixture.ts";

const setup = schedulerSetup;
const job = recordingJob;

Deno.test("createScheduler() fires each job at phase + k * interval with no drift over simulated hours", async () => {
  const { clock, scheduler } = setup();
  const runs: number[] = [];
  scheduler.update([job("tcp|a", runs, clock, { intervalMs: 15_000 })]);
  scheduler.start();
  await clock.advance(3 * 3600_000);
  const phase = jitterPhase("tcp|a", 15_000, 1);
  assert.equal(runs.length, (3 * 3600_000) / 15_000);
  runs.forEach((t, k) =>
    assert.equal(t, Math.ceil(phase) === phase ? phase + k * 15_000 : runs[0]! + k * 15_000)
  );
  assert.ok(Math.abs(runs[0]! - phase) < 1e-6);
  await scheduler.stop();
});

Deno.test("createScheduler() skips and counts a tick while the previous run is still going", async () => {
  const { clock, scheduler, skips } = setup();
  let runs = 0;
  scheduler.update([{
    key: "slow|x",
    host: "x",
    intervalMs: 1000,
    jitter: 0,
    version: "v1",
    run: async () => {
      runs++;
      await clock.sleep(2500);
    },
  }]);
  scheduler.start();
  await clock.advance(9_999);
  // Runs start at 0, 3000, 6000, 9000; the ticks at 1000, 2000, 4000, 5000, 7000, 8000 are skipped.
  assert.equal(runs, 4);
  assert.equal(skips.overrun, 6);
  await clock.advance(2000);
  await scheduler.stop();
});

Deno.test("createScheduler() holds the global rate and counts what it delays and skips", async () => {
  const { clock, scheduler, skips, delayed } = setup({ globalRate: 50 });
  const runs: number[] = [];
  scheduler.update(Array.from({ length: 200 }, (_, i) => job(`tcp|h${i}`, runs, clock)));
  scheduler.start();
  await clock.advance(10_000);
  // 50 probes/s (+ the initial burst of 50) over 10 s; the other ticks are skipped, not queued.
  assert.ok(runs.length <= 50 * 10 + 50, `ran ${runs.length}`);
  assert.ok(runs.length >= 50 * 10 - 50, `ran ${runs.length}`);
  assert.ok((skips.rate_limited ?? 0) > 0);
  assert.ok(delayed() > 0);
  // Every tick is accounted for: run, skipped, or (at most one per job) still delayed at the end.
  const accounted = runs.length + (skips.rate_limited ?? 0) + (skips.overrun ?? 0);
  assert.ok(accounted <= 2000 && accounted >= 2000 - 200, `accounted ${accounted}`);
  for (let s = 1; s < 10; s++) {
    const inSecond = runs.filter((t) => t >= s * 1000 && t < (s + 1) * 1000).length;
    assert.ok(inSecond <= 51, `second ${s}: ${inSecond} runs`);
  }
  await scheduler.stop();
});

Deno.test("createScheduler() starts ticks and rate-delayed runs on whole milliseconds", async () => {
  const { clock, scheduler, delayed } = setup({ globalRate: 7 });
  const runs: number[] = [];
  scheduler.update(Array.from({ length: 20 }, (_, i) => job(`tcp|h${i}`, runs, clock)));
  scheduler.start();
  // A wait of 1/7 s is no whole number: the delayed start is rounded up, as phases are whole.
  await clock.advance(3_000);
  assert.ok(delayed() > 0);
  assert.ok(runs.length > 20, `ran ${runs.length}`);
  assert.deepEqual(runs.filter((t) => !Number.isInteger(t)), []);
  await scheduler.stop();
});

Deno.test("createScheduler() holds the per-host rate while other hosts run freely", async () => {
  const { clock, scheduler } = setup({ perHostRate: 2 });
  const same: number[] = [];
  const other: number[] = [];
  const jobs = Array.from({ length: 10 }, (_, i) => job(`p${i}|same`, same, clock));
  jobs.forEach((j) => (j.host = "same"));
  jobs.push(job("p|other", other, clock));
  scheduler.update(jobs);
  scheduler.start();
  await clock.advance(10_000);
  assert.ok(same.length <= 2 * 10 + 2, `same host ran ${same.length}`);
  assert.equal(other.length, 10);
  await scheduler.stop();
});

Deno.test("createScheduler() skips with queue_full when the pool queue is full", async () => {
  const { clock, scheduler, skips } = setup({ concurrency: 1, maxQueue: 1 });
  const gate = Promise.withResolvers<void>();
  const jobs: JobSpec[] = Array.from({ length: 5 }, (_, i) => ({
    key: `p|h${i}`,
    host: `h${i}`,
    intervalMs: 1000,
    jitter: 0,
    version: "v",
    run: () => gate.promise,
  }));
  scheduler.update(jobs);
  scheduler.start();
  await clock.advance(10);
  assert.equal(skips.queue_full, 3);
  gate.resolve();
  await scheduler.stop();
});

Deno.test("createScheduler() update() keeps unchanged jobs' phase and drops removed ones", async () => {
  const { clock, scheduler } = setup();
  const a: number[] = [];
  const b: number[] = [];
  const c: number[] = [];
  scheduler.update([job("p|a", a, clock), job("p|b", b, clock)]);
  scheduler.start();
  await clock.advance(5_000);
  const summary = scheduler.update([job("p|a", a, clock), job("p|c", c, clock)]);
  assert.deepEqual(summary, { added: 1, removed: 1, changed: 0, unchanged: 1 });
  const bBefore = b.length;
  await clock.advance(5_000);
  assert.equal(b.length, bBefore);
  assert.equal(a.length, 10);
  const phase = jitterPhase("p|a", 1000, 1);
  a.forEach((t, k) => assert.ok(Math.abs(t - (phase + k * 1000)) < 1e-6));
  assert.ok(c.length >= 4 && c.length <= 5);
  assert.equal(scheduler.jobs, 2);
  await scheduler.stop();
});

Deno.test("createScheduler() measures lag from the planned start", async () => {
  const { clock, scheduler, lags } = setup();
  scheduler.update([job("p|a", [], clock)]);
  scheduler.start();
  await clock.advance(3000);
  assert.equal(lags.length, 3);
  assert.ok(lags.every((l) => l === 0));
  await scheduler.stop();
});

Deno.test("createScheduler() counts missed ticks after a stall instead of bursting", async () => {
  const { clock, scheduler, skips } = setup();
  const runs: number[] = [];
  scheduler.update([job("p|a", runs, clock, { jitter: 0 })]);
  scheduler.start();
  await clock.advance(1);
  // A blocked event loop: time jumps 5 s without timers firing in between.
  clock.jump(5000);
  await clock.advance(0);
  // The tick due at 1000 runs late; 2000..5000 are counted as missed, not run in a burst.
  assert.deepEqual(runs, [0, 5001]);
  assert.equal(skips.missed, 4);
  await scheduler.stop();
});

Deno.test("createScheduler() runs a tick due within its batch window (5 % of an interval of 200 ms or more, 1 % below, at most 500 ms) in the current wake-up", async () => {
  // Two jobs whose phases lie `lo`–`hi` ms apart: one wake-up when the gap is inside the window
  // (1 s: 50 ms; 10 s: 500 ms; 60 s: 500 ms, the cap; 200 ms: 10 ms; 500 ms: 25 ms), two when it
  // is not (1 s: 60–90 ms; 10 s: 520–900 ms; 100 ms: window 1 ms; 200 ms: 11–20 ms; 500 ms: 30–45
  // ms).
  const cases = [
    [1000, 20, 45, true],
    [1000, 60, 90, false],
    [10_000, 200, 450, true],
    [10_000, 520, 900, false],
    [60_000, 300, 450, true],
    [60_000, 520, 900, false],
    [100, 3, 8, false],
    [200, 3, 9, true],
    [200, 11, 20, false],
    [500, 6, 20, true],
    [500, 30, 45, false],
  ] as const;
  for (const [intervalMs, lo, hi, together] of cases) {
    const phase = (k: string) => jitterPhase(k, intervalMs, 1);
    const keys = Array.from({ length: 500 }, (_, i) => `tcp|h${i}`);
    let pair: [string, string] | undefined;
    for (const a of keys) {
      const b = keys.find((k) => phase(k) - phase(a) > lo && phase(k) - phase(a) < hi);
      if (b) {
        pair = [a, b];
        break;
      }
    }
    assert.ok(pair, `two keys ${lo}–${hi} ms apart`);
    const { clock, scheduler } = setup();
    const first: number[] = [];
    const second: number[] = [];
    scheduler.update([
      job(pair[0], first, clock, { intervalMs }),
      job(pair[1], second, clock, { intervalMs }),
    ]);
    scheduler.start();
    await clock.advance(intervalMs * 3);
    await scheduler.stop();
    assert.equal(first.length, 3, `${intervalMs} ms: first job's runs`);
    assert.equal(second.length, 3, `${intervalMs} ms: second job's runs`);
    const gap = phase(pair[1]) - phase(pair[0]);
    second.forEach((t, k) => {
      if (together) assert.equal(t, first[k], `${intervalMs} ms: run ${k} in the same wake-up`);
      else {assert.ok(
          Math.abs(t - first[k]! - gap) < 1e-6,
          `${intervalMs} ms, gap ${gap} ms: run ${k} on its phase`,
        );}
    });
  }
});

Deno.test("createScheduler() fires a tick early only when its job is idle: a run that ends before its tick is no overrun", async () => {
  // Job `a` (every 1 s) runs for 990 ms; job `b` (every 700 ms) wakes the loop at offsets 100 ms
  // apart in `a`'s period, one of them 15–45 ms before `a`'s tick, inside `a`'s 50 ms window,
  // while a run of `a` started on its tick still goes. That tick must wait for its time (by then
  // the run has ended), not fire early into the run and be skipped as an overrun.
  const phaseA = (k: string) => jitterPhase(k, 1000, 1);
  const phaseB = (k: string) => jitterPhase(k, 700, 1);
  const keys = Array.from({ length: 500 }, (_, i) => `tcp|h${i}`);
  const before = (a: string, b: string) => (((phaseA(a) - phaseB(b)) % 100) + 100) % 100;
  let pair: [string, string] | undefined;
  for (const a of keys) {
    const b = keys.find((k) => k !== a && before(a, k) > 15 && before(a, k) < 45);
    if (b) {
      pair = [a, b];
      break;
    }
  }
  assert.ok(pair, "a key whose phase lies 15–45 ms (mod 100 ms) after the other's");
  const { clock, scheduler, skips } = setup();
  const runsA: number[] = [];
  const runsB: number[] = [];
  scheduler.update([
    job(pair[0], runsA, clock, {
      run: async () => {
        runsA.push(clock.now());
        await clock.sleep(990);
      },
    }),
    job(pair[1], runsB, clock, { intervalMs: 700 }),
  ]);
  scheduler.start();
  await clock.advance(14_000);
  const stopped = scheduler.stop();
  await clock.advance(1000); // the last run of `a` ends
  await stopped;
  assert.equal(skips.overrun, undefined);
  assert.equal(runsA.length, 14);
  runsA.forEach((t, k) => {
    const early = phaseA(pair[0]) + k * 1000 - t;
    assert.ok(early > -1e-6 && early <= 50, `run ${k} of a: ${early} ms early`);
  });
  assert.equal(runsB.length, 20);
});

Deno.test("createScheduler() apply() updates 20,000 jobs in slices like update(), and an abort removes none", async () => {
  const { clock, scheduler } = setup();
  const runs: number[] = [];
  const specs = (n: number, version = "v1") =>
    Array.from({ length: n }, (_, i) => job(`p|h${i}`, runs, clock, { version }));
  {
    const first = await scheduler.apply(specs(20_000), undefined);
    assert.deepEqual(first, { added: 20_000, removed: 0, changed: 0, unchanged: 0 });
    const second = await scheduler.apply(specs(10_000, "v2"));
    assert.deepEqual(second, { added: 0, removed: 10_000, changed: 10_000, unchanged: 0 });
    assert.equal(scheduler.jobs, 10_000);
    const stop = new AbortController();
    stop.abort(new Error("stopping"));
    await assert.rejects(scheduler.apply([], stop.signal), /stopping/);
    assert.equal(scheduler.jobs, 10_000);
  }
  await scheduler.stop();
});

Deno.test("createScheduler() does not start a removed job's run still waiting in the pool queue", async () => {
  // A run queued before a reload removed its job would start after the job's stale marker and
  // push a sample behind it; it must not start at all.
  const { clock, scheduler } = setup({ concurrency: 1 });
  const gate = Promise.withResolvers<void>();
  const started: string[] = [];
  const blocker: JobSpec = {
    key: "p|blocker",
    host: "blocker",
    intervalMs: 1000,
    jitter: 0,
    version: "v",
    run: () => {
      started.push("blocker");
      return gate.promise;
    },
  };
  const queued: JobSpec = { ...blocker, key: "p|queued", host: "queued" };
  queued.run = () => {
    started.push("queued");
    return Promise.resolve();
  };
  scheduler.update([blocker, queued]);
  scheduler.start();
  await clock.advance(10);
  assert.deepEqual(started, ["blocker"]); // "queued" waits for the one worker
  scheduler.update([blocker]);
  gate.resolve();
  await clock.advance(10);
  assert.deepEqual(started, ["blocker"]);
  await scheduler.stop();
});

Deno.test("createScheduler() after removing 9,900 of 10,000 jobs fires exactly the 100 left, on phase", async () => {
  // 10,000 events for 100 jobs: past the heap cleanup's threshold (4 × jobs + 1,024). Not started
  // before: 10,000 runs in one fake second would be paused in real time (slices) and missed.
  const { clock, scheduler } = setup();
  const gone: number[] = [];
  const kept = Array.from({ length: 100 }, () => [] as number[]);
  scheduler.update(
    Array.from({ length: 10_000 }, (_, i) => job(`p|h${i}`, i < 100 ? kept[i]! : gone, clock)),
  );
  const summary = scheduler.update(kept.map((runs, i) => job(`p|h${i}`, runs, clock)));
  assert.deepEqual(summary, { added: 0, removed: 9_900, changed: 0, unchanged: 100 });
  scheduler.start();
  await clock.advance(3_000);
  assert.equal(gone.length, 0);
  kept.forEach((runs, i) => {
    const phase = jitterPhase(`p|h${i}`, 1000, 1);
    // A 4th run (phase + 3,000 ms) may come in its window before the end, at 3,000 ms.
    assert.ok(runs.length === 3 || (runs.length === 4 && phase <= 50), `job ${i}: ${runs.length}`);
    // A run may start up to its batch window (50 ms here) before its phase, never after it.
    runs.forEach((t, k) => {
      const early = phase + k * 1000 - t;
      assert.ok(early >= -1e-6 && early <= 50, `job ${i} run ${k}: ${early} ms early`);
    });
  });
  await scheduler.stop();
});

Deno.test("createScheduler() apply() resolves only after the runs of removed jobs have ended", async () => {
  // A run in flight when a reload removes its job ends after apply(); the stale marker the agent
  // writes after apply() must come after that run's sample, so apply() waits for the run.
  const { clock, scheduler } = setup();
  const gate = Promise.withResolvers<void>();
  const events: string[] = [];
  const slow: JobSpec = {
    key: "p|slow",
    host: "slow",
    intervalMs: 1000,
    jitter: 0,
    version: "v",
    run: async () => {
      events.push("run started");
      await gate.promise;
      events.push("run ended");
    },
  };
  scheduler.update([slow]);
  scheduler.start();
  await clock.advance(10);
  assert.deepEqual(events, ["run started"]);
  const applied = scheduler.apply([]).then((s) => {
    events.push("apply resolved");
    return s;
  });
  await clock.advance(10);
  assert.deepEqual(events, ["run started"]);
  gate.resolve();
  const summary = await applied;
  assert.deepEqual(summary, { added: 0, removed: 1, changed: 0, unchanged: 0 });
  assert.deepEqual(events, ["run started", "run ended", "apply resolved"]);
  await scheduler.stop();
});
