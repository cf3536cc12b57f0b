import assert from "node:assert/strict";
import { benchVariant } from "./bench_variant.ts";

Deno.test("benchVariant() splits an entry into its bundle, variables and added V8 flags", () => {
  const base = ["--allow-net", "--v8-flags=--a,--b=1"];
  assert.deepEqual(benchVariant("/x.js", base), { path: "/x.js", env: {}, flags: base });
  assert.deepEqual(benchVariant("/x.js|M=2|V8=--c=3+--d|N=a=b", base), {
    path: "/x.js",
    env: { M: "2", N: "a=b" },
    flags: ["--allow-net", "--v8-flags=--a,--b=1,--c=3,--d"],
  });
  assert.throws(() => benchVariant("/x.js|oops", base), SyntaxError);
});
