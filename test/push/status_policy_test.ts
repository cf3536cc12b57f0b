import assert from "node:assert/strict";
import { classifyOutcome, outcomeLabel, type PushOutcome } from "../../src/push/status_policy.ts";

const status = (s: number): PushOutcome => ({ kind: "status", status: s, body: "" });

Deno.test("classifyOutcome() follows the SPEC table for every status class", () => {
  const table: [number, string][] = [
    [200, "ok"],
    [204, "ok"],
    [299, "ok"],
    [429, "retry"],
    [500, "retry"],
    [502, "retry"],
    [503, "retry"],
    [599, "retry"],
    [400, "drop"],
    [401, "drop"],
    [403, "drop"],
    [404, "drop"],
    [413, "drop"],
    [428, "drop"],
    [430, "drop"],
    [301, "drop"],
    [100, "drop"],
  ];
  for (const [s, v] of table) assert.equal(classifyOutcome(status(s)), v, String(s));
});

Deno.test("classifyOutcome() retries timeouts and network errors", () => {
  assert.equal(classifyOutcome({ kind: "timeout", message: "x" }), "retry");
  assert.equal(classifyOutcome({ kind: "network", message: "x" }), "retry");
});

Deno.test("outcomeLabel() keeps the status label set bounded", () => {
  assert.equal(outcomeLabel(status(204)), "204");
  assert.equal(outcomeLabel(status(999)), "invalid");
  assert.equal(outcomeLabel({ kind: "timeout", message: "" }), "timeout");
  assert.equal(outcomeLabel({ kind: "network", message: "" }), "network");
});
