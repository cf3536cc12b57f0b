import assert from "node:assert/strict";
import { closest, knownKeys } from "../../src/config/suggest.ts";
import { configSchema } from "../../src/config/schema.ts";

Deno.test("closest() finds typos, swaps and case slips, and nothing far away", () => {
  const keys = ["interval", "timeout", "retries", "jitter", "ip_protocol"];
  assert.equal(closest("timout", keys), "timeout");
  assert.equal(closest("retires", keys), "retries");
  assert.equal(closest("Interval", keys), "interval");
  assert.equal(closest("jiter", keys), "jitter");
  assert.equal(closest("colour", keys), undefined);
  assert.equal(closest("a", ["b"]), "b");
  assert.equal(closest("ab", ["xy"]), undefined);
  assert.equal(closest("x".repeat(100), ["x".repeat(99)]), undefined);
});

Deno.test("knownKeys() follows objects, records, lists, pipes and the probe type", () => {
  const data = {
    probes: { p: { type: "icmp" }, q: { type: "nope" } },
    targets: [{ static: {} }],
  };
  assert.ok(knownKeys(configSchema, [], data).includes("probes"));
  assert.deepEqual(knownKeys(configSchema, ["agent", "log"], data), ["level", "format"]);
  assert.ok(knownKeys(configSchema, ["probes", "p"], data).includes("packet_interval"));
  assert.deepEqual(knownKeys(configSchema, ["probes", "q"], data), []);
  assert.deepEqual(knownKeys(configSchema, ["targets", "0"], data), [
    "static",
    "file",
    "http",
    "command",
    "name",
    "labels",
    "job",
    "probes",
  ]);
  assert.deepEqual(knownKeys(configSchema, ["targets", "0", "static"], data), [
    "targets",
    "labels",
  ]);
  assert.deepEqual(knownKeys(configSchema, ["nope", "deeper"], data), []);
});
