import assert from "node:assert/strict";
import { createTokenBucket } from "../../src/schedule/token_bucket.ts";

Deno.test("createTokenBucket() hands out the burst at once, then waits 1/rate per token", () => {
  const b = createTokenBucket(20, 20);
  const waits = Array.from({ length: 25 }, () => b.reserve(0));
  assert.deepEqual(waits.slice(0, 20), new Array(20).fill(0));
  assert.deepEqual(waits.slice(20).map((w) => Math.round(w)), [50, 100, 150, 200, 250]);
});

Deno.test("createTokenBucket() refills with time up to the burst", () => {
  const b = createTokenBucket(10, 5);
  for (let i = 0; i < 5; i++) b.reserve(0);
  assert.equal(b.tokens(0), 0);
  assert.equal(b.tokens(200), 2);
  assert.equal(b.tokens(10_000), 5);
});

Deno.test("createTokenBucket() cancel() returns a reserved token", () => {
  const b = createTokenBucket(1, 1);
  assert.equal(b.reserve(0), 0);
  assert.equal(b.reserve(0), 1000);
  b.cancel(0);
  assert.equal(b.reserve(0), 1000);
});

Deno.test("createTokenBucket() holds its rate over a long run", () => {
  const b = createTokenBucket(100, 1);
  let granted = 0;
  for (let t = 0; t < 60_000; t++) {
    if (b.reserve(t) === 0) granted++;
    else b.cancel(t);
  }
  assert.ok(granted >= 6000 && granted <= 6001, `granted ${granted}`);
});
