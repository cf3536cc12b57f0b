import assert from "node:assert/strict";
import { CONFLICT_RUN, createOrderGate, MAX_SKIP, SKIP_CHECKS } from "../../src/push/order_gate.ts";
import type { Batch } from "../../src/push/batcher.ts";

/** A batch whose body's first byte names its one series (the fake decoder reads it). */
function batch(series: number, compacted = false): { batch: Batch } {
  const body = new Uint8Array([series]);
  return { batch: { body, samples: 1, records: 1, offset: 0, nextOffset: 1, compacted } };
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

Deno.test("createOrderGate() doubles the skip while an uncompacted backlog keeps conflicting", () => {
  let decoded = 0;
  const gate = createOrderGate((b) => (decoded++, new Set([b[0]!])));
  const head = batch(7);
  // 10,000 batches of one uncompacted backlog: every one shares the series in flight.
  for (let i = 0; i < 10_000; i++) assert.equal(gate.conflicts([head], batch(7)), true);
  // The head, the run of 8, then one check after each skip of 64, 128, 256, 512, 1024, 1024, …
  let checks = 1 + CONFLICT_RUN;
  let left = 10_000 - CONFLICT_RUN;
  for (let skip = SKIP_CHECKS; left > 0; skip = Math.min(skip * 2, MAX_SKIP)) {
    left -= skip;
    if (left > 0) (checks++, left--);
  }
  assert.equal(decoded, checks);
  assert.ok(decoded < 25, `${decoded} decodes for 10,000 batches`);
});

Deno.test("createOrderGate() always checks a batch from a compacted segment", () => {
  let decoded = 0;
  const gate = createOrderGate((b) => (decoded++, new Set([b[0]!])));
  const head = batch(7);
  for (let i = 0; i < CONFLICT_RUN; i++) gate.conflicts([head], batch(7));
  assert.equal(gate.conflicts([head], batch(7)), true, "skipping: held without decoding");
  const before = decoded;
  assert.equal(gate.conflicts([head], batch(8, true)), false, "a compacted batch goes out");
  assert.equal(decoded, before + 1);
  for (let i = 0; i < 2 * CONFLICT_RUN; i++) gate.conflicts([head], batch(7, true));
  assert.equal(decoded, before + 1 + 2 * CONFLICT_RUN, "compacted conflicts never start a skip");
});

Deno.test("createOrderGate() passes a lane batch beside other lanes' and holds one of the same, decoding none", () => {
  const gate = createOrderGate(() => {
    throw new Error("decoded a lane batch");
  });
  const lane = (n: number) => ({ batch: { ...batch(1).batch, lane: n } });
  assert.equal(gate.conflicts([lane(0), lane(1)], lane(2)), false);
  assert.equal(gate.conflicts([lane(0), lane(1)], lane(1)), true);
  const both = createOrderGate((b) => new Set([b[0]!]));
  assert.equal(both.conflicts([batch(1)], lane(2)), true, "beside one without a lane: compared");
});
