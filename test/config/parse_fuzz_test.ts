/**
 * Fuzz: 10,000 seeded mutations (1 to 3 each) of the shipped and fixture configs through the
 * config parser. Every outcome is a validated config or a ConfigError whose every line is
 * `fuzz.yaml:line:col: ...` with a line and column inside the text; never another exception,
 * never an empty message, and no case slower than 2 s (a hang).
 */
import assert from "node:assert/strict";
import { parseConfig } from "../../src/config/parse.ts";
import { ConfigError } from "../../src/config/config_error.ts";
import { mutateText, prng } from "../_support/prng.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const SEEDS = [
  `${ROOT}config/vmprober.yaml`,
  `${ROOT}test/fixtures/config/full.yaml`,
  `${ROOT}test/fixtures/config/minimal.yaml`,
].map((p) => Deno.readTextFileSync(p));
const ITERATIONS = 10_000;

Deno.test(`parseConfig() answers ${ITERATIONS} mutated configs with a config or a located ConfigError`, () => {
  const rng = prng(13);
  const outcomes = { ok: 0, error: 0 };
  let slowest = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    let text = rng.pick(SEEDS);
    for (let m = 1 + rng.int(3); m > 0; m--) text = mutateText(text, rng);
    const lines = text.split("\n");
    const t0 = performance.now();
    try {
      parseConfig(text, "fuzz.yaml");
      outcomes.ok++;
    } catch (e) {
      if (!(e instanceof ConfigError)) {
        throw new Error(`case ${i}: ${e} for ${JSON.stringify(text)}`, { cause: e });
      }
      outcomes.error++;
      assert.ok(e.problems.length > 0, `case ${i}: no problems`);
      for (const line of e.message.split("\n")) {
        const m = /^fuzz\.yaml:(\d+):(\d+): ./.exec(line);
        assert.ok(m, `case ${i}: ${JSON.stringify(line)}`);
        const [row, col] = [Number(m[1]), Number(m[2])];
        assert.ok(row >= 1 && row <= lines.length, `case ${i}: line ${row} of ${lines.length}`);
        assert.ok(col >= 1 && col <= lines[row - 1]!.length + 1, `case ${i}: col ${col}: ${line}`);
      }
    }
    slowest = Math.max(slowest, performance.now() - t0);
  }
  assert.equal(outcomes.ok + outcomes.error, ITERATIONS);
  assert.ok(outcomes.ok > 100 && outcomes.error > 1000, JSON.stringify(outcomes));
  assert.ok(slowest < 2000, `slowest case took ${slowest.toFixed(0)} ms`);
});
