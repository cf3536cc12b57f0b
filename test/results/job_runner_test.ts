import assert from "node:assert/strict";
import { toJobSpec } from "../../src/results/job_runner.ts";
import type { JobDef } from "../../src/schedule/job.ts";
import type { Probe, ProbeOutcome } from "../../src/probes/types.ts";
import type { ResultRecord } from "../../src/results/types.ts";
import { createNormalizer } from "../../src/results/normalizer.ts";
import { FakeClock } from "../_support/fake_clock.ts";

const def: JobDef = {
  key: "tcp|127.0.0.1:22",
  job: {
    target: "127.0.0.1:22",
    host: "127.0.0.1",
    port: 22,
    probe: "tcp",
    type: "tcp",
    timeoutMs: 100,
    ipProtocol: "auto",
    options: { type: "tcp" },
  },
  intervalMs: 1000,
  jitter: 1,
  retries: 2,
  labels: { site: "a" },
  jobName: "tcp",
  version: "v",
};

function scripted(outcomes: ProbeOutcome[]): Probe & { calls: number } {
  const p = {
    type: "tcp" as const,
    calls: 0,
    run: () => Promise.resolve(outcomes[p.calls++] ?? outcomes.at(-1)!),
  };
  return p;
}

function sinkInto(out: ResultRecord[]) {
  return createNormalizer([{ write: (r) => out.push(...r) }]);
}

Deno.test("toJobSpec() retries a failure and records the success with its attempts", async () => {
  const out: ResultRecord[] = [];
  const probe = scripted([
    { success: false, durationSeconds: 0.1, reason: "timeout" },
    { success: true, durationSeconds: 0.002 },
  ]);
  const spec = toJobSpec(def, {
    probes: new Map([["tcp", probe]]),
    normalizer: sinkInto(out),
    clock: new FakeClock(),
    signal: new AbortController().signal,
  });
  await spec.run();
  assert.equal(probe.calls, 2);
  assert.equal(out.length, 1);
  assert.deepEqual(
    { success: out[0]!.success, attempts: out[0]!.attempts, labels: out[0]!.labels },
    { success: true, attempts: 2, labels: { site: "a" } },
  );
  assert.equal(out[0]!.timestampMs, new FakeClock().wallNow());
});

Deno.test("toJobSpec() does not record a failure caused by the agent stopping", async () => {
  const out: ResultRecord[] = [];
  const stop = new AbortController();
  stop.abort();
  const spec = toJobSpec(def, {
    probes: new Map([[
      "tcp",
      scripted([{ success: false, durationSeconds: 0, reason: "timeout" }]),
    ]]),
    normalizer: sinkInto(out),
    clock: new FakeClock(),
    signal: stop.signal,
  });
  await spec.run();
  assert.equal(out.length, 0);
});

Deno.test("toJobSpec() records an error when the probe type is missing from the build", async () => {
  const out: ResultRecord[] = [];
  const spec = toJobSpec(def, {
    probes: new Map(),
    normalizer: sinkInto(out),
    clock: new FakeClock(),
    signal: new AbortController().signal,
  });
  await spec.run();
  assert.equal(out[0]!.reason, "error");
  assert.equal(out[0]!.detail, "probe type tcp is not available in this build");
});

Deno.test("toJobSpec() carries the job's key on the record, so every sink keys state by it", async () => {
  const out: ResultRecord[] = [];
  const normalizer = sinkInto(out);
  const spec = toJobSpec({ ...def, key: "scheduler-made key" }, {
    probes: new Map([["tcp", scripted([{ success: true, durationSeconds: 0.001 }])]]),
    normalizer,
    clock: new FakeClock(),
    signal: new AbortController().signal,
  });
  await spec.run();
  assert.equal(out[0]!.key, "scheduler-made key");
  await spec.run();
  assert.equal(out.length, 1, "same key, same timestamp: an exact duplicate");
  normalizer.retain(new Set());
  await spec.run();
  assert.equal(out.length, 2, "retain() without the key forgot its dedupe state");
});

Deno.test("toJobSpec() specs share one run function (no closure per job)", () => {
  const deps = {
    probes: new Map(),
    normalizer: sinkInto([]),
    clock: new FakeClock(),
    signal: new AbortController().signal,
  };
  const a = toJobSpec(def, deps);
  const b = toJobSpec({ ...def, key: "tcp|127.0.0.1:23" }, deps);
  assert.equal(Object.hasOwn(a, "run"), false);
  assert.equal(a.run, b.run);
  assert.deepEqual([a.key, a.host, a.intervalMs, a.jitter, a.version], [
    "tcp|127.0.0.1:22",
    "127.0.0.1",
    1000,
    1,
    "v",
  ]);
});
