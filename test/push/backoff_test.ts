import assert from "node:assert/strict";
import { backoffDelay, parseRetryAfter, retryDelay } from "../../src/push/backoff.ts";

const opts = (r: number) => ({ minMs: 250, maxMs: 30_000, random: () => r });

Deno.test("backoffDelay() doubles from min and jitters within [half, full]", () => {
  assert.deepEqual([0, 1, 2, 3].map((a) => backoffDelay(a, opts(0))), [125, 250, 500, 1000]);
  assert.deepEqual([0, 1, 2, 3].map((a) => backoffDelay(a, opts(0.999999))).map(Math.round), [
    250,
    500,
    1000,
    2000,
  ]);
});

Deno.test("backoffDelay() is capped at maxMs, even for huge attempt counts", () => {
  assert.equal(backoffDelay(7, opts(0.999999999)) <= 30_000, true);
  assert.equal(backoffDelay(7, opts(0)), 15_000);
  assert.equal(backoffDelay(100_000, opts(0.5)), 22_500);
  assert.equal(Number.isFinite(backoffDelay(Number.MAX_SAFE_INTEGER, opts(1))), true);
});

Deno.test("parseRetryAfter() reads delay-seconds", () => {
  assert.equal(parseRetryAfter("0", 0), 0);
  assert.equal(parseRetryAfter(" 7 ", 0), 7000);
});

Deno.test("parseRetryAfter() reads an HTTP-date relative to now, past dates as 0", () => {
  const now = Date.parse("Wed, 21 Oct 2015 07:28:00 GMT");
  assert.equal(parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now), 30_000);
  assert.equal(parseRetryAfter("Wed, 21 Oct 2015 07:27:00 GMT", now), 0);
});

Deno.test("parseRetryAfter() rejects absent and malformed values", () => {
  for (const v of [null, "", "soon", "-5", "1.5", "Wed"]) {
    assert.equal(parseRetryAfter(v, 0), undefined, String(v));
  }
});

Deno.test("retryDelay() prefers Retry-After, capped at max(maxMs, 5 min), else backs off", () => {
  assert.equal(retryDelay(5, 2000, opts(0)), 2000);
  assert.equal(retryDelay(0, 120_000, opts(0)), 120_000);
  assert.equal(retryDelay(0, 9e9, opts(0)), 300_000);
  assert.equal(retryDelay(0, 9e9, { ...opts(0), maxMs: 600_000 }), 600_000);
  assert.equal(retryDelay(0, 0, opts(0)), 0);
  assert.equal(retryDelay(1, undefined, opts(0)), 250);
});

Deno.test("backoffDelay() with the defaults (30 ms, 5 s) resumes within 5 s of any outage", () => {
  const d = { minMs: 30, maxMs: 5_000 };
  assert.equal(backoffDelay(0, { ...d, random: () => 0.999999 }) <= 30, true);
  assert.equal(backoffDelay(0, { ...d, random: () => 0 }), 15);
  for (let a = 0; a < 2000; a++) assert.equal(backoffDelay(a, d) <= 5_000, true, `attempt ${a}`);
  assert.equal(backoffDelay(8, { ...d, random: () => 0.999999 }) > 4_999, true);
});
