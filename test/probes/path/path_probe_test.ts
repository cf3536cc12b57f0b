import assert from "node:assert/strict";
import { createPathProbe } from "../../../src/probes/path/path_probe.ts";
import type { TraceOptions, Tracer, TraceResult } from "../../../src/probes/path/types.ts";
import type { ProbeJob } from "../../../src/schedule/job.ts";

const never = new AbortController().signal;
const job = (target = "198.19.9.1"): ProbeJob<"path"> => ({
  target,
  host: target,
  probe: "mtr",
  type: "path",
  timeoutMs: 1000,
  ipProtocol: "auto",
  options: { type: "path" },
});

/** A tracer answering from a script of hop lists (`""`: that hop did not answer). */
function scripted(runs: string[][], reached = true) {
  const seen: TraceOptions[] = [];
  let i = 0;
  const tracer: Tracer = {
    trace(_ip, _family, options): Promise<TraceResult> {
      seen.push(options);
      const hops = runs[Math.min(i++, runs.length - 1)]!;
      return Promise.resolve({
        destinationTtl: reached ? hops.length : undefined,
        hops: hops.map((a, n) => ({
          ttl: n + 1,
          sent: 1,
          rttsSeconds: a ? [0.001] : [],
          addresses: new Map(a ? [[a, 1]] : []),
        })),
      });
    },
    close: () => Promise.resolve(),
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
  return { tracer, seen };
}

const changes = (o: { gauges?: readonly { name: string; value: number }[] }) =>
  o.gauges?.find((g) => g.name === "vmprober_path_changes_total")?.value;

Deno.test("createPathProbe() counts a route change once, even when loss hides the hop in between", async () => {
  const A = ["10.0.0.1", "10.0.1.2", "198.19.9.1"];
  const lost = ["10.0.0.1", "", "198.19.9.1"];
  const B = ["10.0.0.1", "10.0.2.2", "198.19.9.1"];
  const { tracer } = scripted([A, lost, A, lost, B, B, lost, B]);
  await using probe = createPathProbe({ tracer });
  const seen: (number | undefined)[] = [];
  for (let i = 0; i < 8; i++) seen.push(changes(await probe.run(job(), never)));
  assert.deepEqual(seen, [0, 0, 0, 0, 1, 1, 1, 1]);
});

Deno.test("createPathProbe() keeps each (module, target)'s count apart, and counts a longer path", async () => {
  const { tracer } = scripted([["10.0.0.1", "198.19.9.1"], ["10.0.0.1", "10.0.0.5", "198.19.9.1"]]);
  await using probe = createPathProbe({ tracer });
  assert.equal(changes(await probe.run(job(), never)), 0);
  assert.equal(changes(await probe.run(job("198.19.9.2"), never)), 0);
  assert.equal(changes(await probe.run(job(), never)), 1);
  assert.equal(changes(await probe.run(job("198.19.9.2"), never)), 0);
});

Deno.test("createPathProbe() fails with timeout and the last hop when the destination stays silent", async () => {
  const { tracer, seen } = scripted([["10.0.0.1", "10.0.1.2", ""]], false);
  await using probe = createPathProbe({ tracer });
  const o = await probe.run(job(), never);
  assert.equal(o.success, false);
  assert.equal(o.reason, "timeout");
  assert.equal(
    o.detail,
    "198.19.9.1 not reached within 30 hops (last answer from hop 2, 10.0.1.2)",
  );
  assert.deepEqual(o.path?.hops.map((h) => h.address), ["10.0.0.1", "10.0.1.2"]);
  assert.deepEqual(
    { ...seen[0]!, timeoutMs: 0 },
    {
      protocol: "icmp",
      maxHops: 30,
      count: 10,
      intervalMs: 100,
      size: 56,
      port: 33434,
      timeoutMs: 0,
      socketOptions: {},
    },
  );
});

Deno.test("createPathProbe() passes a tracer failure through as the outcome", async () => {
  const tracer: Tracer = {
    trace: () =>
      Promise.resolve({
        hops: [],
        failure: { reason: "error", detail: "path probes need a raw ICMPv4 socket" },
      }),
    close: () => Promise.resolve(),
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
  await using probe = createPathProbe({ tracer });
  const o = await probe.run(job(), never);
  assert.deepEqual([o.success, o.reason, o.detail, o.path], [
    false,
    "error",
    "path probes need a raw ICMPv4 socket",
    undefined,
  ]);
});
