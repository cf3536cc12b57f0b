import assert from "node:assert/strict";
import { trimMallocHeap } from "../src/malloc_trim.ts";

Deno.test("trimMallocHeap() calls glibc's malloc_trim, and is a no-op where there is none", () => {
  assert.notEqual(trimMallocHeap(), "unavailable", "glibc with FFI permission");
  assert.equal(trimMallocHeap("libnot-a-c-library.so"), "unavailable");
});
