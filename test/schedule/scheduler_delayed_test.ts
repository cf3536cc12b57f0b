import assert from "node:assert/strict";
import { recordingJob, schedulerSetup } from "../_support/scheduler_fixture.ts";

const setup = schedulerSetup;
const job = recordingJob;

Deno.test("createScheduler() drops a rate-delayed start whose job's timing changed, and runs it on the new one", async () => {
  const { clock, scheduler, skips, delayed } = setup({ perHostRate: 1 });
  const a: number[] = [];
  const b: number[] = [];
  const jobs = [
    job("p1|same", a, clock, { host: "same", intervalMs: 10_000, jitter: 0 }),
    job("p2|same", b, clock, { host: "same", intervalMs: 10_000, jitter: 0 }),
  ];
  scheduler.update(jobs);
  scheduler.start();
  await clock.advance(500);
  // Both due at 0, one host at 1/s: one ran, the other waits for its delayed start at 1,000.
  assert.equal(a.length + b.length, 1);
  assert.equal(delayed(), 1);
  const waiting = a.length === 0 ? 0 : 1;
  const moved = { ...jobs[waiting]!, intervalMs: 20_000, version: "v2" };
  // Its host's other job leaves: no bucket wait of its own at the new ticks.
  scheduler.update([moved]);
  await clock.advance(60_000);
  const runs = waiting === 0 ? a : b;
  // Its old start never came; it runs at 20,000 and 40,000 (the new phase 0), no overrun.
  assert.deepEqual(runs, [20_000, 40_000, 60_000]);
  assert.equal(skips.overrun, undefined);
  await scheduler.stop();
});
