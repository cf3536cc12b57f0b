import assert from "node:assert/strict";
import { createIdentifierPool } from "../../../src/probes/path/trace_identifiers.ts";

Deno.test("createIdentifierPool() never hands out an identifier held, and frees it on release", () => {
  const pool = createIdentifierPool((b) => b.fill(7)); // always proposes 0x0707
  assert.equal(pool.reserve(), 0x0707);
  assert.equal(pool.reserve(), undefined);
  pool.release(0x0707);
  assert.equal(pool.reserve(), 0x0707);
});
