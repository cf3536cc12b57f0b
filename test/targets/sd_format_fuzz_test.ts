/**
 * Fuzz: seeded mutations of `file_sd`/`http_sd` bodies. (1) The sliced JSON parser, with pieces
 * as small as 8 characters so every mutation crosses its structural walk, gives exactly what
 * `JSON.parse` gives: the same value or the same SyntaxError message. (2) `parseTargetGroups()`
 * (JSON and YAML) returns groups or throws a SourceError with a known reason; never another
 * exception; when it returns, the target count is exactly the one in the parsed document.
 */
import assert from "node:assert/strict";
import YAML from "yaml";
import { runSync } from "../../src/base/slices.ts";
import { parseJsonSteps } from "../../src/targets/sliced_json.ts";
import { parseTargetGroups } from "../../src/targets/sd_format.ts";
import { SourceError } from "../../src/targets/source_error.ts";
import { mutateText, prng } from "../_support/prng.ts";

const BODIES = [
  [{ targets: ["10.0.0.1:22", "db.example:5432"], labels: { dc: "fra", __meta: "x" } }],
  [{ targets: ["[::1]:9", "10.0.0.2"] }, { targets: [], labels: {} }, {
    targets: ["h_1.example"],
    labels: { a: '"q\\u00e9"', b: "[1,{}]" },
  }],
  [{ targets: Array.from({ length: 12 }, (_, i) => `10.1.0.${i}:80`), labels: { n: "1.5e3" } }],
].map((b) => JSON.stringify(b, null, 1));
const ITERATIONS = 10_000;

function outcome(f: () => unknown): { value?: unknown; error?: string } {
  try {
    return { value: f() };
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    return { error: e.message };
  }
}

Deno.test(`parseJsonSteps() equals JSON.parse on ${ITERATIONS} mutated SD bodies`, () => {
  const rng = prng(5);
  let valid = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    let text = rng.pick(BODIES);
    for (let m = rng.int(4); m > 0; m--) text = mutateText(text, rng);
    const leaf = 8 + rng.int(64);
    const want = outcome(() => JSON.parse(text));
    const got = outcome(() => runSync(parseJsonSteps(text, leaf)));
    assert.deepEqual(got, want, `case ${i} (leaf ${leaf}): ${JSON.stringify(text)}`);
    if (want.error === undefined) valid++;
  }
  assert.ok(valid > 1000 && valid < ITERATIONS, `${valid} valid`);
});

const REASONS = new Set(["format", "too_large", "too_many_targets"]);

Deno.test(`parseTargetGroups() answers ${ITERATIONS} mutated JSON and YAML bodies exactly`, () => {
  const rng = prng(9);
  const seeds = [...BODIES, ...BODIES.map((b) => YAML.stringify(JSON.parse(b)))];
  const seen = { ok: 0, error: 0 };
  for (let i = 0; i < ITERATIONS; i++) {
    let text = rng.pick(seeds);
    for (let m = rng.int(3); m > 0; m--) text = mutateText(text, rng);
    const format = rng.pick(["json", "yaml", "auto"] as const);
    const maxTargets = rng.pick([5, 100_000]);
    try {
      const groups = parseTargetGroups(text, { format, maxTargets });
      seen.ok++;
      const json = format === "json" || (format === "auto" && /^\s*\[/.test(text));
      const doc = (json ? JSON.parse(text) : YAML.parse(text, { logLevel: "error" })) as {
        targets: unknown[];
      }[] | null;
      const want = (doc ?? []).reduce((n, g) => n + g.targets.length, 0);
      assert.equal(groups.reduce((n, g) => n + g.targets.length, 0), want, `case ${i}`);
      assert.ok(want <= maxTargets, `case ${i}: ${want} > ${maxTargets}`);
      for (const g of groups) {
        assert.ok(Object.keys(g.labels).every((k) => !k.startsWith("__")), `case ${i}`);
      }
    } catch (e) {
      if (!(e instanceof SourceError) || !REASONS.has(e.reason)) {
        throw new Error(`case ${i}: ${e} for ${JSON.stringify(text)}`, { cause: e });
      }
      assert.ok(e.message.length > 0);
      seen.error++;
    }
  }
  assert.equal(seen.ok + seen.error, ITERATIONS);
  assert.ok(seen.ok > 500 && seen.error > 1000, JSON.stringify(seen));
});
