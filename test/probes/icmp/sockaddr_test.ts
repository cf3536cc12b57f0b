import assert from "node:assert/strict";
import {
  canonicalIp,
  decodeSockaddr,
  encodeSockaddr,
  ipBytes,
  sockaddrLength,
  writeSockaddr,
} from "../../../src/probes/icmp/sockaddr.ts";

Deno.test("ipBytes() parses IPv4 and the IPv6 forms", () => {
  assert.deepEqual([...ipBytes("127.1.2.3", 4)], [127, 1, 2, 3]);
  assert.deepEqual([...ipBytes("::1", 6)], [...new Array(15).fill(0), 1]);
  assert.deepEqual([...ipBytes("2001:db8::8:800:200c:417a", 6)].slice(0, 4), [
    0x20,
    0x01,
    0x0d,
    0xb8,
  ]);
  assert.deepEqual([...ipBytes("::ffff:10.1.2.3", 6)].slice(10), [0xff, 0xff, 10, 1, 2, 3]);
  assert.deepEqual([...ipBytes("1:2:3:4:5:6:7:8", 6)].slice(14), [0, 8]);
});

Deno.test("ipBytes() rejects malformed literals", () => {
  for (const bad of ["1.2.3", "1.2.3.256", "a.b.c.d"]) {
    assert.throws(() => ipBytes(bad, 4), new SyntaxError(`Cannot parse IPv4 address "${bad}"`));
  }
  for (const bad of ["1::2::3", "12345::", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7::8", "g::"]) {
    assert.throws(() => ipBytes(bad, 6), SyntaxError);
  }
});

Deno.test("canonicalIp() gives one text per address", () => {
  assert.equal(canonicalIp("::1", 6), canonicalIp("0:0:0:0:0:0:0:1", 6));
  assert.equal(canonicalIp("::1", 6), "0:0:0:0:0:0:0:1");
  assert.equal(canonicalIp("FE80::A", 6), "fe80:0:0:0:0:0:0:a");
});

Deno.test("encodeSockaddr() and decodeSockaddr() round-trip both families", () => {
  const v4 = encodeSockaddr("127.0.0.9", 4);
  assert.equal(v4.length, 16);
  assert.equal(decodeSockaddr(v4, 16), "127.0.0.9");
  const v6 = encodeSockaddr("::1", 6);
  assert.equal(v6.length, 28);
  assert.equal(decodeSockaddr(v6, 28), "0:0:0:0:0:0:0:1");
  assert.equal(decodeSockaddr(v6, 10), undefined);
  assert.equal(decodeSockaddr(new Uint8Array(28), 28), undefined);
});

Deno.test("writeSockaddr() writes family and address at an offset, leaving the rest", () => {
  const out = new Uint8Array(40).fill(0);
  writeSockaddr("10.1.2.3", 4, out, 4);
  assert.deepEqual([...out.subarray(4, 20)], [2, 0, 0, 0, 10, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(sockaddrLength(4), 16);
  assert.equal(sockaddrLength(6), 28);
  const v6 = new Uint8Array(28);
  writeSockaddr("::2", 6, v6);
  assert.deepEqual([...v6], [...encodeSockaddr("::2", 6)]);
  assert.equal(v6[0], 10);
  assert.equal(v6[23], 2);
});
