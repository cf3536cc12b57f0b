/**
 * @module The schema tests' config writer: a one-probe preamble to build configs on, and the
 * formatted problems of a config that must fail `parseConfig()`.
 */
import assert from "node:assert/strict";
import { parseConfig } from "../../src/config/parse.ts";
import { ConfigError } from "../../src/config/config_error.ts";

/** The smallest valid config: one tcp probe named `x` (append sections to it). */
export const PROBE = "probes:\n  x: {type: tcp}\n";

/** The problem lines of `text` (read as `c.yaml`), which must fail with a ConfigError. */
export function problems(text: string): string[] {
  try {
    parseConfig(text, "c.yaml");
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.message.split("\n");
  }
  throw new assert.AssertionError({ message: "expected a ConfigError" });
}
