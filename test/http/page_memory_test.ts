import assert from "node:assert/strict";
import { createPageMemory, releasePageMemory } from "../../src/http/page_memory.ts";

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

/** A page memory on fakes: `rss` and `heap` are read from the returned state, calls are logged. */
function fakePageMemory(o: { growthBytes?: number; maxHeapBytes?: number; gc?: boolean } = {}) {
  const state = { rss: 100, heap: 10, calls: [] as string[] };
  const memory = createPageMemory({
    gc: o.gc === false
      ? undefined
      : (g) => state.calls.push(g.type === "major" ? `gc major ${g.flavor}` : `gc ${g.type}`),
    trim: () => (state.calls.push("trim"), "released"),
    rss: () => state.rss,
    heapUsed: () => state.heap,
    growthBytes: o.growthBytes ?? 6,
    maxHeapBytes: o.maxHeapBytes ?? 64,
  });
  return { memory, state };
}

Deno.test("createPageMemory() only collects the young generation and trims when RSS grew less than the limit", () => {
  const { memory, state } = fakePageMemory();
  memory.pageStarted();
  state.rss = 105;
  memory.pageDone();
  assert.deepEqual(state.calls, ["gc minor", "trim"]);
  assert.equal(memory.reductions, 0);
});

Deno.test("createPageMemory() runs a last-resort major collection and a second trim when RSS grew by the limit", () => {
  const { memory, state } = fakePageMemory();
  memory.pageStarted();
  state.rss = 106;
  memory.pageDone();
  assert.deepEqual(state.calls, ["gc minor", "trim", "gc major last-resort", "trim"]);
  assert.equal(memory.reductions, 1);
});

Deno.test("createPageMemory() measures from the first of overlapping pages to the last one's end", () => {
  const { memory, state } = fakePageMemory();
  memory.pageStarted();
  state.rss = 103;
  memory.pageStarted(); // a second page while the first is read: RSS is not read again
  state.rss = 110;
  memory.pageDone();
  assert.deepEqual(state.calls, ["gc minor", "trim"]);
  memory.pageDone();
  assert.deepEqual(state.calls.slice(2), ["gc minor", "trim", "gc major last-resort", "trim"]);
});

Deno.test("createPageMemory() skips the major collection above the heap limit or without gc", () => {
  const big = fakePageMemory({ maxHeapBytes: 9 });
  big.memory.pageStarted();
  big.state.rss = 200;
  big.memory.pageDone();
  assert.deepEqual(big.state.calls, ["gc minor", "trim"]);
  const none = fakePageMemory({ gc: false });
  none.memory.pageStarted();
  none.state.rss = 200;
  none.memory.pageDone();
  assert.deepEqual(none.state.calls, ["trim"]);
});
