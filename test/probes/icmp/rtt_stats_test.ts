import assert from "node:assert/strict";
import { rttStats } from "../../../src/probes/icmp/rtt_stats.ts";

Deno.test("rttStats() computes min/avg/median/max and the population stddev", () => {
  const s = rttStats(5, [0.004, 0.001, 0.002, 0.003]);
  assert.equal(s.sent, 5);
  assert.equal(s.received, 4);
  assert.equal(s.lossRatio, 0.2);
  assert.deepEqual(s.rttsSeconds, [0.004, 0.001, 0.002, 0.003]);
  assert.equal(s.minSeconds, 0.001);
  assert.equal(s.maxSeconds, 0.004);
  assert.equal(s.medianSeconds, 0.0025);
  assert.ok(Math.abs(s.avgSeconds - 0.0025) < 1e-12);
  assert.ok(Math.abs(s.stddevSeconds - Math.sqrt(1.25e-6)) < 1e-12);
});

Deno.test("rttStats() with nothing received reports loss 1 and zero RTTs", () => {
  assert.deepEqual(rttStats(3, []), {
    sent: 3,
    received: 0,
    lossRatio: 1,
    rttsSeconds: [],
    minSeconds: 0,
    avgSeconds: 0,
    medianSeconds: 0,
    maxSeconds: 0,
    stddevSeconds: 0,
  });
  assert.equal(rttStats(0, []).lossRatio, 1);
});

Deno.test("rttStats() takes the middle value of an odd count as median", () => {
  const s = rttStats(3, [0.3, 0.1, 0.2]);
  assert.equal(s.medianSeconds, 0.2);
  assert.equal(s.lossRatio, 0);
});

Deno.test("rttStats() of one reply: every figure is that RTT, stddev 0, its own copy of the list", () => {
  const rtts = [0.0042];
  const s = rttStats(3, rtts);
  assert.deepEqual(s, {
    sent: 3,
    received: 1,
    lossRatio: 2 / 3,
    rttsSeconds: [0.0042],
    minSeconds: 0.0042,
    avgSeconds: 0.0042,
    medianSeconds: 0.0042,
    maxSeconds: 0.0042,
    stddevSeconds: 0,
  });
  assert.notEqual(s.rttsSeconds, rtts);
});
