import assert from "node:assert/strict";
import { trimMallocHeap } from "../src/malloc_trim.ts";

Deno.test("trimMallocHeap() calls glibc's malloc_trim, and is a no-op where there is none", () => {
  assert.notEqual(trimMallocHeap(), "unavailable", "glibc with FFI permission");
  assert.equal(trimMallocHeap("libnot-a-c-library.so"), "unavailable");
});

Deno.test({
  name: "trimMallocHeap() without the FFI permission tries no dlopen (it would ask for it)",
  permissions: { ffi: false },
  fn() {
    const dlopen = Deno.dlopen;
    let calls = 0;
    Object.defineProperty(Deno, "dlopen", {
      value: (...args: Parameters<typeof Deno.dlopen>) => (calls++, dlopen(...args)),
      configurable: true,
      writable: true,
    });
    try {
      assert.equal(trimMallocHeap("libc-not-opened-before.so.6"), "unavailable");
      assert.equal(calls, 0);
    } finally {
      Object.defineProperty(Deno, "dlopen", { value: dlopen, configurable: true, writable: true });
    }
  },
});
