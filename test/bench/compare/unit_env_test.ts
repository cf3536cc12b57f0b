import assert from "node:assert/strict";
import { benchAgentEnv, unitEnvironment } from "./unit_env.ts";
import { ROOT } from "./_common.ts";

Deno.test("unitEnvironment() reads the Environment= lines of a unit, nothing else", () => {
  const unit = "[Service]\nExecStart=/x run\n# Environment=NOT=1\nEnvironment=A_B=2\n" +
    "Environment=C=x=y\nEnvironment=bad line\n";
  assert.deepEqual(unitEnvironment(unit), { A_B: "2", C: "x=y" });
});

Deno.test("benchAgentEnv() gives the shipped unit's malloc arena limit", () => {
  assert.equal(benchAgentEnv(ROOT).MALLOC_ARENA_MAX, "2");
});
