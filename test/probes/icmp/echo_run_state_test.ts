import assert from "node:assert/strict";
import {
  cookieByte,
  cookieMatches,
  type RunState,
  setCookie,
} from "../../../src/probes/icmp/echo_run_state.ts";

const blank = () => ({ cookieHigh: 0, cookieLow: 0, cookieLength: 0 }) as RunState;

Deno.test("setCookie() and cookieByte() round-trip 0 to 8 bytes of every value (seeded)", () => {
  let seed = 0x2545f491;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) & 0xff;
  for (let n = 0; n < 2000; n++) {
    const length = n % 9;
    const bytes = Uint8Array.from({ length: 8 }, next);
    if (n === 0) bytes.fill(0xff);
    const run = blank();
    setCookie(run, bytes, length);
    assert.equal(run.cookieLength, length);
    for (let i = 0; i < length; i++) assert.equal(cookieByte(run, i), bytes[i], `byte ${i}`);
    const packet = new Uint8Array(20);
    packet.set(bytes.subarray(0, length), 5);
    assert.ok(cookieMatches(run, packet, 5, 15));
    if (length > 0) {
      packet[5 + (n % length)]! ^= 0x80;
      assert.ok(!cookieMatches(run, packet, 5, 15), "one changed bit is a mismatch");
    }
  }
});

Deno.test("cookieMatches() refuses a payload shorter than the cookie", () => {
  const run = blank();
  setCookie(run, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), 8);
  const packet = new Uint8Array([1, 2, 3, 4, 5, 6, 7]);
  assert.equal(cookieMatches(run, packet, 0, 7), false);
  assert.equal(cookieMatches(run, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), 0, 8), true);
});
