/** @module The error a target source's load must fail with, for the source tests. */
import assert from "node:assert/strict";
import { SourceError } from "../../src/targets/source_error.ts";

/** Awaits `p`, which must reject with a `SourceError`, and returns that error. */
export async function sourceFailure(p: Promise<unknown>): Promise<SourceError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof SourceError, String(e));
    return e;
  }
  throw new Error("expected the load to fail");
}
