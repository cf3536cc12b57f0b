import assert from "node:assert/strict";
import { releasePageMemory } from "../../src/http/page_memory.ts";

Deno.test("releasePageMemory() runs a young-generation collection, then the malloc trim", () => {
  const calls: string[] = [];
  const result = releasePageMemory(
    (o) => calls.push(`gc ${o.type} ${o.execution}`),
    () => (calls.push("trim"), "released"),
  );
  assert.deepEqual(calls, ["gc minor sync", "trim"]);
  assert.equal(result, "released");
});

Deno.test("releasePageMemory() only trims without an exposed gc", () => {
  const calls: string[] = [];
  assert.equal(releasePageMemory(undefined, () => (calls.push("trim"), "nothing")), "nothing");
  assert.deepEqual(calls, ["trim"]);
});
