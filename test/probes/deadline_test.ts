import assert from "node:assert/strict";
import { deadline } from "../../src/probes/deadline.ts";

/** A signal that counts the abort listeners added to it. */
function countingSignal() {
  const controller = new AbortController();
  const signal = controller.signal;
  let added = 0;
  const add = signal.addEventListener.bind(signal);
  signal.addEventListener = ((...args: Parameters<typeof add>) => {
    added++;
    return add(...args);
  }) as typeof signal.addEventListener;
  return { controller, signal, added: () => added };
}

Deno.test("deadline() watches a parent signal with one listener however many deadlines it has", () => {
  const parent = countingSignal();
  for (let i = 0; i < 100; i++) {
    using limit = deadline(parent.signal, 60_000);
    assert.equal(limit.aborted, false);
  }
  assert.equal(parent.added(), 1);
});

Deno.test("deadline() aborts with the parent's reason, only the deadlines not yet disposed", () => {
  const parent = new AbortController();
  const kept = deadline(parent.signal, 60_000);
  const disposed = deadline(parent.signal, 60_000);
  disposed[Symbol.dispose]();
  parent.abort(new Error("agent stopping"));
  assert.equal(kept.aborted, true);
  assert.equal((kept.reason as Error).message, "agent stopping");
  assert.equal(disposed.aborted, false);
  kept[Symbol.dispose]();
  using late = deadline(parent.signal, 60_000);
  assert.equal(late.aborted, true, "a parent that already aborted aborts a new deadline at once");
});

Deno.test("deadline() aborts at its timeout with TimeoutError 'probe timed out'", async () => {
  using limit = deadline(new AbortController().signal, 20);
  await new Promise((r) => limit.addEventListener("abort", r, { once: true }));
  const reason = limit.reason as DOMException;
  assert.deepEqual([reason.name, reason.message], ["TimeoutError", "probe timed out"]);
});
