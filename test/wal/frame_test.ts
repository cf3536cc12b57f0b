import assert from "node:assert/strict";
import {
  checkFrame,
  encodeFrame,
  FRAME_HEADER,
  framePayload,
  isSamplesType,
  MAX_LANES,
  TYPE_LANE,
} from "../../src/wal/frame.ts";

const payload = new Uint8Array([1, 2, 3, 4, 5, 6, 7]);

Deno.test("encodeFrame() round-trips through checkFrame()", () => {
  const f = encodeFrame(payload, 42);
  assert.equal(f.length, FRAME_HEADER + 4 + payload.length);
  const c = checkFrame(f, 0, f.length);
  assert.deepEqual(c, { kind: "ok", size: f.length, samples: 42 });
  assert.deepEqual(framePayload(f, 0, f.length), payload);
});

Deno.test("checkFrame() rejects any flipped byte", () => {
  const f = encodeFrame(payload, 3);
  for (let i = 0; i < f.length; i++) {
    const bad = f.slice();
    bad[i]! ^= 0x10;
    assert.equal(checkFrame(bad, 0, bad.length).kind, "bad", `byte ${i}`);
  }
});

Deno.test("checkFrame() says short when the buffer ends before the file does", () => {
  const f = encodeFrame(payload, 1);
  assert.equal(checkFrame(f.subarray(0, 5), 0, f.length).kind, "short");
  assert.equal(checkFrame(f.subarray(0, 12), 0, f.length).kind, "short");
});

Deno.test("checkFrame() rejects a frame cut by the end of the file and zero bytes", () => {
  const f = encodeFrame(payload, 1);
  assert.equal(checkFrame(f, 0, f.length - 1).kind, "bad");
  assert.equal(checkFrame(new Uint8Array(64), 0, 64).kind, "bad");
});

Deno.test("encodeFrame() with a lane round-trips it through checkFrame() and the type byte", () => {
  const f = encodeFrame(payload, 42, 3);
  assert.equal(f[8], TYPE_LANE + 3);
  assert.ok(isSamplesType(f[8]));
  assert.deepEqual(checkFrame(f, 0, f.length), {
    kind: "ok",
    size: f.length,
    samples: 42,
    lane: 3,
  });
  assert.ok(!isSamplesType(TYPE_LANE + MAX_LANES) && !isSamplesType(2) && !isSamplesType(0));
});
