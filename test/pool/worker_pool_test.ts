import assert from "node:assert/strict";
import { createWorkerPool } from "../../src/pool/worker_pool.ts";

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

Deno.test("createWorkerPool() runs at most `concurrency` tasks and queues the rest in order", async () => {
  const pool = createWorkerPool({ concurrency: 2, maxQueue: 10 });
  const gates = Array.from({ length: 5 }, deferred);
  const started: number[] = [];
  gates.forEach((g, i) =>
    assert.ok(pool.submit(async () => {
      started.push(i);
      await g.promise;
    }))
  );
  await Promise.resolve();
  assert.deepEqual(started, [0, 1]);
  assert.equal(pool.inFlight, 2);
  assert.equal(pool.queued, 3);
  gates[1]!.resolve();
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(started, [0, 1, 2]);
  gates.forEach((g) => g.resolve());
  await pool.idle();
  assert.deepEqual(started, [0, 1, 2, 3, 4]);
  assert.equal(pool.inFlight, 0);
});

Deno.test("createWorkerPool() refuses tasks past maxQueue", async () => {
  const pool = createWorkerPool({ concurrency: 1, maxQueue: 2 });
  const gate = deferred();
  const results = Array.from({ length: 5 }, () => pool.submit(() => gate.promise));
  assert.deepEqual(results, [true, true, true, false, false]);
  gate.resolve();
  await pool.idle();
});

Deno.test("createWorkerPool() survives a rejecting task", async () => {
  const pool = createWorkerPool({ concurrency: 1, maxQueue: 1 });
  pool.submit(() => Promise.reject(new Error("boom")));
  let ran = false;
  pool.submit(() => {
    ran = true;
    return Promise.resolve();
  });
  await pool.idle();
  assert.equal(ran, true);
});
