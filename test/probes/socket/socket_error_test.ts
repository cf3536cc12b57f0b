import assert from "node:assert/strict";
import { decodeSocketError } from "../../../src/probes/socket/socket_error.ts";
import { icmpErrorOutcome } from "../../../src/probes/socket/icmp_error.ts";
import { encodeSockaddr } from "../../../src/probes/icmp/sockaddr.ts";

/** One cmsg: level/type IP_RECVERR with a sock_extended_err and the offender's sockaddr_in. */
function control(level: number, type: number, ee: number[], offender: Uint8Array): Uint8Array {
  const len = 16 + 16 + offender.length;
  const out = new Uint8Array((len + 7) & ~7);
  const v = new DataView(out.buffer);
  v.setBigUint64(0, BigInt(len), true);
  v.setInt32(8, level, true);
  v.setInt32(12, type, true);
  v.setUint32(16, ee[0]!, true); // errno
  out[20] = ee[1]!; // origin
  out[21] = ee[2]!; // type
  out[22] = ee[3]!; // code
  v.setUint32(24, ee[4]!, true); // info
  out.set(offender, 32);
  return out;
}

Deno.test("decodeSocketError() reads errno, origin, type, code, MTU, offender and destination", () => {
  const name = encodeSockaddr("100.65.1.2", 4);
  name[2] = 0x27; // port 9999
  name[3] = 0x0f;
  const c = control(0, 11, [90, 2, 3, 4, 1400], encodeSockaddr("100.64.1.2", 4));
  const e = decodeSocketError(c, name, 16, new Uint8Array([8, 0]))!;
  assert.deepEqual(e, {
    errno: 90,
    origin: "icmp",
    type: 3,
    code: 4,
    info: 1400,
    offender: "100.64.1.2",
    destination: "100.65.1.2",
    port: 9999,
    original: new Uint8Array([8, 0]),
  });
  assert.deepEqual(icmpErrorOutcome(e), {
    reason: "unreachable",
    detail:
      "message too long: ICMP destination unreachable (type 3, code 4: fragmentation needed) from 100.64.1.2 (mtu 1400)",
  });
});

Deno.test("decodeSocketError() reads IPv6 errors and refuses garbage without throwing", () => {
  const c = control(41, 25, [113, 3, 1, 0, 0], encodeSockaddr("fd00::1", 6));
  const e = decodeSocketError(c, encodeSockaddr("fd00::9", 6), 28, new Uint8Array())!;
  assert.equal(e.offender, "fd00:0:0:0:0:0:0:1");
  assert.equal(e.destination, "fd00:0:0:0:0:0:0:9");
  assert.deepEqual(icmpErrorOutcome(e), {
    reason: "unreachable",
    detail:
      "ICMPv6 destination unreachable (type 1, code 0: no route to destination) from fd00:0:0:0:0:0:0:1",
  });
  // Another cmsg type, a short cmsg, a length past the end, random bytes: no error found.
  assert.equal(
    decodeSocketError(
      control(1, 35, [0, 0, 0, 0, 0], new Uint8Array(16)),
      new Uint8Array(28),
      0,
      new Uint8Array(),
    ),
    undefined,
  );
  const short = control(0, 11, [1, 2, 3, 4, 5], new Uint8Array(0)).subarray(0, 24);
  assert.equal(decodeSocketError(short, new Uint8Array(28), 0, new Uint8Array()), undefined);
  let seed = 7;
  for (let i = 0; i < 2000; i++) {
    const junk = Uint8Array.from(
      { length: (i % 90) + 1 },
      () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff,
    );
    decodeSocketError(junk, junk.subarray(0, Math.min(28, junk.length)), junk.length % 29, junk);
  }
});

Deno.test("icmpErrorOutcome() names local errors by errno", () => {
  const local = { origin: "local", type: 0, code: 0, port: 0, original: new Uint8Array() } as const;
  assert.deepEqual(icmpErrorOutcome({ ...local, errno: 90, info: 1400 }), {
    reason: "unreachable",
    detail: "message too long: local error (mtu 1400)",
  });
  assert.deepEqual(icmpErrorOutcome({ ...local, errno: 113, info: 0 }), {
    reason: "unreachable",
    detail: "no route to host: local error",
  });
  assert.deepEqual(icmpErrorOutcome({ ...local, errno: 5, info: 0 }), {
    reason: "error",
    detail: "errno 5: local error",
  });
});

Deno.test("decodeSocketError() takes the SCM_TIMESTAMPNS stamp beside the error, before or after it", () => {
  const stamp = new Uint8Array(32);
  const v = new DataView(stamp.buffer);
  v.setBigUint64(0, 32n, true);
  v.setInt32(8, 1, true); // SOL_SOCKET
  v.setInt32(12, 35, true); // SCM_TIMESTAMPNS
  v.setBigInt64(16, 1_700_000_000n, true);
  v.setBigInt64(24, 123_456_789n, true);
  const ee = control(0, 11, [113, 2, 11, 0, 0], encodeSockaddr("100.64.1.2", 4));
  const name = encodeSockaddr("100.65.1.2", 4);
  for (const c of [new Uint8Array([...stamp, ...ee]), new Uint8Array([...ee, ...stamp])]) {
    const e = decodeSocketError(c, name, 16, new Uint8Array())!;
    assert.equal(e.stampNs, 1_700_000_000 * 1e9 + 123_456_789);
    assert.equal(e.type, 11);
  }
  // Without a stamp there is no field; a stamp without an error is no error.
  assert.equal("stampNs" in decodeSocketError(ee, name, 16, new Uint8Array())!, false);
  assert.equal(decodeSocketError(stamp, name, 16, new Uint8Array()), undefined);
});
