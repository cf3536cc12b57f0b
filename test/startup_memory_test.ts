import assert from "node:assert/strict";
import {
  type ExposedGc,
  exposedGc,
  MAX_COLLECT_HEAP_BYTES,
  releaseStartupMemory,
} from "../src/startup_memory.ts";

Deno.test("releaseStartupMemory() collects, then trims, and reports the heap around the collection", () => {
  const calls: string[] = [];
  let heap = 12;
  const gc: ExposedGc = (o) => {
    calls.push(`gc ${o.type} ${o.execution} ${"flavor" in o ? o.flavor : ""}`);
    heap = 5;
  };
  const r = releaseStartupMemory(gc, {
    trim: () => (calls.push("trim"), "released"),
    heapUsed: () => heap,
    now: () => (calls.length === 0 ? 100 : 142),
  });
  assert.deepEqual(calls, ["gc major sync last-resort", "trim"]);
  assert.deepEqual(r, { collected: true, trim: "released", heapBefore: 12, heapAfter: 5, ms: 42 });
});

Deno.test("releaseStartupMemory() without --expose-gc only trims", () => {
  const r = releaseStartupMemory(undefined, {
    trim: () => "nothing",
    heapUsed: () => 7,
    now: () => 5,
  });
  assert.deepEqual(r, { collected: false, trim: "nothing", heapBefore: 7, heapAfter: 7, ms: 0 });
});

Deno.test("releaseStartupMemory() skips the collection above the heap limit and still trims", () => {
  const calls: string[] = [];
  const gc: ExposedGc = () => calls.push("gc");
  const trim = () => (calls.push("trim"), "released" as const);
  const big = releaseStartupMemory(gc, { trim, heapUsed: () => 65, maxHeapBytes: 64 });
  assert.deepEqual(calls, ["trim"]);
  assert.deepEqual({ ...big, ms: 0 }, {
    collected: false,
    trim: "released",
    heapBefore: 65,
    heapAfter: 65,
    ms: 0,
  });
  calls.length = 0;
  const at = releaseStartupMemory(gc, { trim, heapUsed: () => 64, maxHeapBytes: 64 });
  assert.deepEqual(calls, ["gc", "trim"]);
  assert.equal(at.collected, true);
  const dflt = releaseStartupMemory(gc, { trim, heapUsed: () => MAX_COLLECT_HEAP_BYTES + 1 });
  assert.equal(dflt.collected, false, "the default limit is 64 MiB");
});

Deno.test("exposedGc() is undefined without --expose-gc and V8's gc with it", async () => {
  assert.equal(exposedGc(), undefined, "deno test runs without --expose-gc");
  const code = `import { releaseStartupMemory } from ${
    JSON.stringify(new URL("../src/startup_memory.ts", import.meta.url).href)
  };
let junk = Array.from({ length: 200000 }, (_, i) => ({ i, s: "x" + i }));
junk = null;
const r = releaseStartupMemory();
console.log(JSON.stringify({ collected: r.collected, freed: r.heapBefore - r.heapAfter }));`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--v8-flags=--expose-gc", code],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assert.equal(out.code, 0);
  const r = JSON.parse(new TextDecoder().decode(out.stdout));
  assert.equal(r.collected, true);
  assert.ok(r.freed > 5 * 2 ** 20, `the collection freed the 200,000 dead objects: ${r.freed} B`);
});
