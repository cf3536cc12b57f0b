import assert from "node:assert/strict";
import { parseConfig } from "../../src/config/parse.ts";
import { PROBE, problems } from "../_support/config_problems.ts";

Deno.test("agent.history defaults to a 1h window of 1m steps and 10 results", () => {
  assert.deepEqual(parseConfig(PROBE, "c.yaml").agent.history, {
    window: 3_600_000,
    step: 60_000,
    results: 10,
  });
  const c = parseConfig(
    `${PROBE}agent: {history: {window: 10m, step: 5s, results: 0}}\n`,
    "c.yaml",
  );
  assert.deepEqual(c.agent.history, { window: 600_000, step: 5000, results: 0 });
});

Deno.test("agent.history rejects sub-second steps, too many steps, bad results and unknown keys", () => {
  assert.deepEqual(problems(`${PROBE}agent:\n  history: {step: 500ms}\n`), [
    "c.yaml:4:19: agent.history.step: expected a step of at least 1s, got 500ms",
  ]);
  assert.deepEqual(problems(`${PROBE}agent:\n  history: {window: 1d, step: 10s}\n`), [
    "c.yaml:4:21: agent.history.window: expected at most 1440 steps in the window, got 8640 (raise step or shorten window)",
  ]);
  const [results] = problems(`${PROBE}agent:\n  history: {results: 101}\n`);
  assert.match(results!, /^c\.yaml:4:22: agent\.history\.results: /);
  const [unknown] = problems(`${PROBE}agent:\n  history: {widow: 1h}\n`);
  assert.match(
    unknown!,
    /^c\.yaml:4:13: agent\.history\.widow: unknown key "widow" \(did you mean "window"\?\)/,
  );
});
