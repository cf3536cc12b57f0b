import assert from "node:assert/strict";
import { packFrames, type PendingAppend } from "../../src/wal/batch.ts";
import { seqBody } from "../_support/wal_fixture.ts";
import { checkFrame, framePayload, TYPE_LANE } from "../../src/wal/frame.ts";
import { snappyUncompress } from "../../src/wal/snappy.ts";

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

Deno.test("packFrames(): appends of a lane go into that lane's frames, in order, lane after lane", () => {
  const items: PendingAppend[] = [0, 1, 0, 2, 1, 0].map((lane, i) => ({
    body: seqBody(i),
    samples: i + 1,
    lane,
  }));
  const frames = packFrames(items, 1 << 20);
  assert.deepEqual(frames.map((f) => [f.bytes[8]! - TYPE_LANE, f.samples]), [
    [0, 1 + 3 + 6],
    [1, 2 + 5],
    [2, 4],
  ]);
  const lane0 = checkFrame(frames[0]!.bytes, 0, frames[0]!.bytes.length);
  assert.ok(lane0.kind === "ok");
  const body = snappyUncompress(framePayload(frames[0]!.bytes, 0, lane0.size));
  assert.deepEqual(body, new Uint8Array([...seqBody(0), ...seqBody(2), ...seqBody(5)]));
});
