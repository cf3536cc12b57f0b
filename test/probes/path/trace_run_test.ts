import assert from "node:assert/strict";
import {
  answer,
  errorResult,
  limitOf,
  markSent,
  newRun,
  outstandingOf,
  type Pending,
  runResult,
  sendFailedResult,
} from "../../../src/probes/path/trace_run.ts";

const cookie = new Uint8Array([1, 2, 3, 4]);

Deno.test("limitOf() stops at the destination's TTL or the first unreachable router's", () => {
  const run = newRun("192.0.2.1", cookie, 8);
  assert.equal(limitOf(run, 8), 8);
  run.unreachable = { ttl: 5, from: "192.0.2.9", code: 1 };
  assert.equal(limitOf(run, 8), 5);
  run.destinationTtl = 3;
  assert.equal(limitOf(run, 8), 3);
});

Deno.test("answer() records the RTT and address, lowers the destination TTL and wakes the run", () => {
  const run = newRun("192.0.2.1", cookie, 4);
  let woken = 0;
  run.wake = () => woken++;
  const entries: Pending[] = [1, 2, 3, 4].map((ttl) => {
    markSent(run, ttl);
    return { run, ttl, sentNs: 1e9, sentMono: 100, answered: false };
  });
  assert.equal(outstandingOf(run, 4), 4);
  answer(entries[0]!, { from: "198.19.1.2", receivedNs: 1.002e9, isDestination: false }, 103);
  assert.deepEqual(run.hops[0]!.rttsSeconds, [0.002]);
  assert.deepEqual([...run.hops[0]!.addresses], [["198.19.1.2", 1]]);
  assert.equal(woken, 0);
  answer(entries[2]!, { from: "192.0.2.1", receivedNs: 1.003e9, isDestination: true }, 104);
  assert.equal(run.destinationTtl, 3);
  assert.equal(outstandingOf(run, 4), 1, "TTL 4 lies past the destination and no longer counts");
  answer(entries[1]!, { from: "198.19.1.6", receivedNs: 1.001e9, isDestination: false }, 104);
  assert.equal(woken, 1);
  assert.equal(entries[1]!.answered, true);
});

Deno.test("answer() takes the monotonic RTT when the wall clock stepped", () => {
  const run = newRun("192.0.2.1", cookie, 1);
  markSent(run, 1);
  const entry: Pending = { run, ttl: 1, sentNs: 5e9, sentMono: 100, answered: false };
  answer(entry, { from: "192.0.2.1", receivedNs: 1e9, isDestination: true }, 150);
  assert.deepEqual(run.hops[0]!.rttsSeconds, [0.05]);
});

Deno.test("runResult() cuts the hops at the limit and names the unreachable router compactly", () => {
  const run = newRun("2001:db8::1", cookie, 6);
  run.unreachable = { ttl: 2, from: "2001:0db8:0000:0000:0000:0000:0000:0009", code: 3 };
  const result = runResult(run, 6);
  assert.equal(result.hops.length, 2);
  assert.deepEqual(result.unreachable, { hop: 2, from: "2001:db8::9", code: 3 });
  run.destinationTtl = 2;
  assert.equal(runResult(run, 6).unreachable, undefined);
});

Deno.test("errorResult() and sendFailedResult() carry the reason and detail", () => {
  assert.deepEqual(errorResult(new Error("no raw socket")), {
    hops: [],
    failure: { reason: "error", detail: "no raw socket" },
  });
  assert.deepEqual(sendFailedResult(undefined), {
    hops: [],
    failure: { reason: "error", detail: "sendto failed: errno 0" },
  });
  assert.equal(sendFailedResult(101).failure?.detail, "sendto failed: errno 101");
});
