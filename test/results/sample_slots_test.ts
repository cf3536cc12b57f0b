import assert from "node:assert/strict";
import { probeSamples, pushedExtraSamples } from "../../src/results/probe_samples.ts";
import { createSampleSlots } from "../../src/results/sample_slots.ts";
import type { ResultRecord } from "../../src/results/types.ts";

const icmp = (rtt: number | undefined): ResultRecord => ({
  key: "icmp|127.0.0.1",
  timestampMs: 1,
  target: "127.0.0.1",
  probe: "icmp",
  type: "icmp",
  labels: {},
  success: rtt !== undefined,
  durationSeconds: 0.003,
  attempts: 1,
  ipProtocol: 4,
  ipAddrHash: 7,
  dnsLookupSeconds: 0,
  icmp: {
    sent: 1,
    received: rtt === undefined ? 0 : 1,
    lossRatio: rtt === undefined ? 1 : 0,
    rttsSeconds: rtt === undefined ? [] : [rtt],
    minSeconds: rtt ?? 0,
    avgSeconds: rtt ?? 0,
    medianSeconds: rtt ?? 0,
    maxSeconds: rtt ?? 0,
    stddevSeconds: 0,
  },
  icmpPhases: { resolve: 0, setup: 0.001, rtt: rtt ?? 0 },
  icmpReplyHopLimit: rtt === undefined ? undefined : 64,
});

/** Name, labels and value of each sample (a slot has `labels: undefined` where a list has none). */
const flat = (list: readonly { name: string; labels?: unknown; value: number }[]) =>
  list.map((s) => [s.name, s.labels ?? null, s.value]);

const gauged: ResultRecord = {
  ...icmp(undefined),
  type: "http",
  icmp: undefined,
  icmpPhases: undefined,
  gauges: [
    { name: "probe_http_status_code", help: "h", value: 200 },
    { name: "probe_duration_seconds", help: "h", value: 0.5 },
    { name: "probe_http_info", help: "h", labels: [["version", "1.1"]], value: 1 },
  ],
};

Deno.test("createSampleSlots().fill() lists a record's samples then its pushed extra ones", () => {
  const slots = createSampleSlots();
  for (const r of [icmp(0.002), icmp(undefined), gauged, icmp(0.004)]) {
    assert.deepEqual(flat(slots.fill(r)), flat([...probeSamples(r), ...pushedExtraSamples(r)]));
  }
});

Deno.test("createSampleSlots().fill() reuses one list and its sample objects record after record", () => {
  const slots = createSampleSlots();
  const first = slots.fill(icmp(0.002));
  const objects = [...first];
  assert.equal(first.length, 15);
  const second = slots.fill(icmp(0.004));
  assert.equal(second, first);
  assert.equal(second.length, 15);
  for (let i = 0; i < 15; i++) assert.equal(second[i], objects[i]);
  assert.equal(second.find((s) => s.name === "vmprober_icmp_rtt_seconds")!.value, 0.004);
  const lost = slots.fill(icmp(undefined)); // no hop limit, no RTT statistics: 9 samples
  assert.equal(lost.length, 9);
  for (let i = 0; i < 9; i++) assert.equal(lost[i], objects[i]);
});
