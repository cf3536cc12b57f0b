import assert from "node:assert/strict";
import { applyV8Edits, parseCandidates, splitV8Flags } from "./v8_flags_variants.ts";

Deno.test("splitV8Flags() separates --v8-flags from the other deno flags", () => {
  assert.deepEqual(splitV8Flags(["--allow-net", "--v8-flags=--a,--b=2", "--no-code-cache"]), {
    rest: ["--allow-net", "--no-code-cache"],
    v8: ["--a", "--b=2"],
  });
  assert.deepEqual(splitV8Flags(["--allow-net"]), { rest: ["--allow-net"], v8: [] });
});

Deno.test("applyV8Edits() removes, replaces by name and adds", () => {
  const shipped = ["--max-semi-space-size=2", "--memory-reducer-for-small-heaps"];
  assert.deepEqual(applyV8Edits(shipped, ["--max-semi-space-size=1"]), [
    "--max-semi-space-size=1",
    "--memory-reducer-for-small-heaps",
  ]);
  assert.deepEqual(applyV8Edits(shipped, ["-max-semi-space-size", "--optimize-for-size"]), [
    "--memory-reducer-for-small-heaps",
    "--optimize-for-size",
  ]);
  assert.deepEqual(applyV8Edits(shipped, ["--memory-reducer-for-small-heaps"]), shipped);
  assert.deepEqual(shipped.length, 2, "the shipped list is not changed");
  assert.throws(() => applyV8Edits(shipped, ["lazy"]), {
    name: "SyntaxError",
    message: 'Cannot read V8 flag edit "lazy"',
  });
});

Deno.test("parseCandidates() reads named edit lists and rejects garbage", () => {
  assert.deepEqual(
    parseCandidates("semi 1=--max-semi-space-size=1; size=--optimize-for-size,-x;"),
    [
      ["semi 1", ["--max-semi-space-size=1"]],
      ["size", ["--optimize-for-size", "-x"]],
    ],
  );
  assert.deepEqual(parseCandidates(""), []);
  assert.throws(() => parseCandidates("--lazy"), {
    name: "SyntaxError",
    message: 'Cannot read candidate "--lazy": expected name=flag,flag',
  });
  assert.throws(() => parseCandidates("x= ,"), {
    name: "SyntaxError",
    message: 'Cannot read candidate "x= ,": no flags',
  });
});
