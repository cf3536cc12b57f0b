import assert from "node:assert/strict";
import { decodeRtt, encodeRtt } from "../../src/results/rtt_code.ts";

Deno.test("encodeRtt() round-trips 1 µs to 60 s within 0.02 %", () => {
  for (let s = 1e-6; s < 60; s *= 1.37) {
    const back = decodeRtt(encodeRtt(s));
    assert.ok(Math.abs(back - s) / s < 2e-4, `${s} → ${back}`);
  }
});

Deno.test("encodeRtt() clamps to 1..65535 and encodes garbage as 0", () => {
  assert.equal(encodeRtt(0), 1);
  assert.equal(encodeRtt(1e-12), 1);
  assert.equal(encodeRtt(1e6), 65535);
  assert.equal(encodeRtt(NaN), 0);
  assert.equal(encodeRtt(-0.001), 0);
  assert.equal(encodeRtt(Infinity), 0);
  assert.ok(Number.isNaN(decodeRtt(0)));
  assert.ok(Math.abs(decodeRtt(65535) - 100) < 0.01);
});

Deno.test("encodeRtt() is monotonic", () => {
  let prev = 0;
  for (let s = 1e-7; s < 100; s *= 1.001) {
    const c = encodeRtt(s);
    assert.ok(c >= prev);
    prev = c;
  }
});
