import assert from "node:assert/strict";
import { fnv1a, jitterPhase } from "../../src/schedule/jitter.ts";

Deno.test("fnv1a() matches the reference vectors", () => {
  assert.equal(fnv1a(""), 0x811c9dc5);
  assert.equal(fnv1a("a"), 0xe40c292c);
  assert.equal(fnv1a("foobar"), 0xbf9cf968);
});

Deno.test("jitterPhase() is deterministic and inside the interval", () => {
  for (let i = 0; i < 1000; i++) {
    const p = jitterPhase(`icmp|10.0.${i >> 8}.${i & 255}`, 15_000, 1);
    assert.ok(p >= 0 && p < 15_000);
    assert.equal(p, jitterPhase(`icmp|10.0.${i >> 8}.${i & 255}`, 15_000, 1));
  }
});

Deno.test("jitterPhase() spreads 10,000 targets evenly across the interval", () => {
  const buckets = new Array(10).fill(0);
  for (let i = 0; i < 10_000; i++) {
    const p = jitterPhase(`tcp_ssh|10.${i >> 16}.${(i >> 8) & 255}.${i & 255}:22`, 10_000, 1);
    buckets[Math.floor(p / 1000)]++;
  }
  // Expected 1,000 per bucket; a uniform hash stays within ±15 % (about 5 standard deviations).
  for (const n of buckets) assert.ok(n > 850 && n < 1150, `bucket count ${n} in ${buckets}`);
});

Deno.test("jitterPhase() with jitter 0 starts everything at phase 0", () => {
  assert.equal(jitterPhase("a", 1000, 0), 0);
});

Deno.test("jitterPhase() is a whole number of ms (due times stay small integers)", () => {
  for (let i = 0; i < 1000; i++) {
    const p = jitterPhase(`tcp|10.0.${i >> 8}.${i & 255}:22`, 15_000, 0.37);
    assert.ok(Number.isInteger(p) && p >= 0 && p < 15_000 * 0.37, `phase ${p}`);
  }
});
