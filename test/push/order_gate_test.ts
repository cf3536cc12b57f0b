import assert from "node:assert/strict";
import { CONFLICT_RUN, createOrderGate, SKIP_CHECKS } from "../../src/push/order_gate.ts";
import type { Batch } from "../../src/push/batcher.ts";

/** A batch whose body's first byte names its one series (the fake decoder reads it). */
function batch(series: number): { batch: Batch } {
  const body = new Uint8Array([series]);
  return { batch: { body, samples: 1, records: 1, offset: 0, nextOffset: 1 } };
}

Deno.test("createOrderGate() holds a batch sharing a series, passes a disjoint one", () => {
  const gate = createOrderGate((b) => new Set([b[0]!]));
  assert.equal(gate.conflicts([batch(1)], batch(2)), false);
  assert.equal(gate.conflicts([batch(1), batch(2)], batch(2)), true);
  assert.equal(createOrderGate(() => null).conflicts([batch(1)], batch(2)), true, "unknown: held");
});

Deno.test("createOrderGate() decodes each batch once, and none during a skip after a run", () => {
  let decoded = 0;
  const gate = createOrderGate((b) => (decoded++, new Set([b[0]!])));
  const head = batch(7);
  // An uncompacted backlog: every batch shares the series in flight.
  for (let i = 0; i < CONFLICT_RUN; i++) assert.equal(gate.conflicts([head], batch(7)), true);
  assert.equal(decoded, 1 + CONFLICT_RUN, "the head once, each next once");
  for (let i = 0; i < SKIP_CHECKS; i++) assert.equal(gate.conflicts([head], batch(8)), true);
  assert.equal(decoded, 1 + CONFLICT_RUN, "held without decoding (always safe)");
  assert.equal(gate.conflicts([head], batch(8)), false, "checking resumes");
  assert.equal(decoded, 2 + CONFLICT_RUN);
});
