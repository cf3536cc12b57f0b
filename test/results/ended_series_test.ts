import assert from "node:assert/strict";
import { createEndedSeries } from "../../src/results/ended_series.ts";
import type { ProbeSample } from "../../src/results/probe_samples.ts";

const up: ProbeSample = { name: "probe_success", value: 1 };
const rtt: ProbeSample = { name: "probe_icmp_rtt_seconds", value: 0.01 };
const phaseA: ProbeSample = { name: "probe_phase", value: 1, labels: [["phase", "connect"]] };

Deno.test("createEndedSeries().update() returns nothing for a job's first or unchanged list", () => {
  const ended = createEndedSeries();
  assert.deepEqual(ended.update("a", [up, rtt]), []);
  assert.deepEqual(ended.update("a", [up, rtt]), []);
});

Deno.test("createEndedSeries().update() returns each series the next list lacks, once", () => {
  const ended = createEndedSeries();
  ended.update("a", [up, rtt, rtt, phaseA]);
  assert.deepEqual(ended.update("a", [up]), [rtt, phaseA]);
  assert.deepEqual(ended.update("b", [up]), [], "jobs are kept apart");
});

Deno.test("createEndedSeries().update() tells series apart by label values, not list objects", () => {
  const ended = createEndedSeries();
  ended.update("a", [up, phaseA]);
  const sameValues: ProbeSample = { ...phaseA, labels: [["phase", "connect"]] };
  assert.deepEqual(ended.update("a", [up, sameValues]), []);
  const other: ProbeSample = { ...phaseA, labels: [["phase", "tls"]] };
  assert.deepEqual(ended.update("a", [up, other]), [sameValues]);
});

Deno.test("createEndedSeries().forget() drops a job's memory", () => {
  const ended = createEndedSeries();
  ended.update("a", [up, rtt]);
  ended.forget("a");
  assert.deepEqual(ended.update("a", [up]), []);
});

Deno.test("createEndedSeries().update() keeps the first list of unchanged series, not each new one", () => {
  // Each run's list would otherwise live one interval, be promoted and die in the old
  // generation; only the series of the kept list are read, never its values.
  const ended = createEndedSeries();
  const first = [up, rtt];
  ended.update("a", first);
  ended.update("a", [{ ...up, value: 0 }, { ...rtt, value: 0.02 }]);
  const gone = ended.update("a", [up]);
  assert.equal(gone.length, 1);
  assert.equal(gone[0], first[1], "the series ended is read from the first list");
  assert.equal(gone[0]!.name, "probe_icmp_rtt_seconds");
});
