import assert from "node:assert/strict";
import { packFrames, type PendingAppend } from "../../src/wal/batch.ts";
import { seqBody } from "../_support/wal_fixture.ts";

/** The same bodies as separate buffers and as back-to-back views of one buffer. */
function both(n: number): [PendingAppend[], PendingAppend[]] {
  const bodies = Array.from({ length: n }, (_, i) => seqBody(i));
  const all = new Uint8Array(bodies.reduce((s, b) => s + b.length, 0) + 7);
  let at = 7; // not at the buffer's start
  const views = bodies.map((b) => {
    all.set(b, at);
    at += b.length;
    return { body: all.subarray(at - b.length, at), samples: 1 };
  });
  return [bodies.map((body) => ({ body, samples: 1 })), views];
}

Deno.test("packFrames(): back-to-back views of one buffer pack to the same frames as copies", () => {
  const [separate, views] = both(300);
  for (const max of [1 << 20, 1000, 1]) {
    const a = packFrames(separate, max);
    const b = packFrames(views, max);
    assert.ok(a.length >= 1);
    assert.deepEqual(b, a);
  }
  // A gap between two views of one buffer is not bridged.
  const gap = [views[0]!, views[2]!];
  assert.deepEqual(packFrames(gap, 1 << 20), packFrames([separate[0]!, separate[2]!], 1 << 20));
});
