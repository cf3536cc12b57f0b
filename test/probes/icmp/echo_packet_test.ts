import assert from "node:assert/strict";
import { internetChecksum } from "../../../src/probes/icmp/checksum.ts";
import { buildEchoRequest, decodeEchoReply } from "../../../src/probes/icmp/echo_packet.ts";

const cookie = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);

/** An IPv4 echo reply as a raw socket sees it: a 20-byte IP header, then ICMP. */
function rawReply(identifier: number, sequence: number, payload = cookie): Uint8Array {
  const icmp = buildEchoRequest({
    family: 4,
    identifier,
    sequence,
    cookie: payload,
    size: payload.length,
  });
  icmp[0] = 0;
  icmp[2] = icmp[3] = 0;
  const sum = internetChecksum(icmp);
  icmp[2] = sum >> 8;
  icmp[3] = sum & 0xff;
  const packet = new Uint8Array(20 + icmp.length);
  packet[0] = 0x45;
  packet.set(icmp, 20);
  return packet;
}

Deno.test("buildEchoRequest() lays out type, identifier, sequence, cookie and a valid IPv4 checksum", () => {
  const p = buildEchoRequest({ family: 4, identifier: 0xabcd, sequence: 0x0102, cookie, size: 12 });
  assert.equal(p.length, 20);
  assert.deepEqual([...p.subarray(0, 2)], [8, 0]);
  assert.deepEqual([...p.subarray(4, 8)], [0xab, 0xcd, 0x01, 0x02]);
  assert.deepEqual([...p.subarray(8, 16)], [...cookie]);
  assert.deepEqual([...p.subarray(16)], [8, 9, 10, 11]);
  assert.equal(internetChecksum(p), 0);
});

Deno.test("buildEchoRequest() leaves the ICMPv6 checksum to the kernel and uses type 128", () => {
  const p = buildEchoRequest({ family: 6, identifier: 1, sequence: 2, cookie, size: 0 });
  assert.deepEqual([...p], [128, 0, 0, 0, 0, 1, 0, 2]);
});

Deno.test("decodeEchoReply() reads a raw IPv4 reply behind its IP header", () => {
  const reply = decodeEchoReply(rawReply(0x1234, 0x5678), 4, true);
  assert.ok(typeof reply !== "string");
  assert.equal(reply.identifier, 0x1234);
  assert.equal(reply.sequence, 0x5678);
  assert.deepEqual([...reply.payload], [...cookie]);
});

Deno.test("decodeEchoReply() rejects short packets", () => {
  assert.equal(decodeEchoReply(new Uint8Array(10), 4, true), "short");
  assert.equal(decodeEchoReply(rawReply(1, 1).subarray(0, 27), 4, true), "short");
  assert.equal(decodeEchoReply(new Uint8Array([129, 0, 0]), 6, false), "short");
  const badIhl = rawReply(1, 1);
  badIhl[0] = 0x42;
  assert.equal(decodeEchoReply(badIhl, 4, true), "short");
});

Deno.test("decodeEchoReply() rejects a wrong IPv4 checksum", () => {
  const p = rawReply(1, 1);
  p[30]! ^= 0xff;
  assert.equal(decodeEchoReply(p, 4, true), "checksum");
});

Deno.test("decodeEchoReply() ignores echo requests and other types", () => {
  const request = buildEchoRequest({ family: 4, identifier: 1, sequence: 1, cookie, size: 8 });
  assert.equal(decodeEchoReply(request, 4, false), "echo_request");
  assert.equal(
    decodeEchoReply(new Uint8Array([128, 0, 0, 0, 0, 1, 0, 1]), 6, false),
    "echo_request",
  );
  assert.equal(decodeEchoReply(new Uint8Array([1, 4, 0, 0, 0, 0, 0, 0]), 6, false), "other_type");
  const unreachable = new Uint8Array([3, 1, 0, 0, 0, 0, 0, 0]);
  const sum = internetChecksum(unreachable);
  unreachable[2] = sum >> 8;
  unreachable[3] = sum & 0xff;
  assert.equal(decodeEchoReply(unreachable, 4, false), "other_type");
});

Deno.test("decodeEchoReply() reads an ICMPv6 reply without an IP header", () => {
  const reply = decodeEchoReply(new Uint8Array([129, 0, 0xde, 0xad, 0, 7, 0, 9, 42]), 6, false);
  assert.deepEqual(
    typeof reply === "string" ? reply : [reply.identifier, reply.sequence, [...reply.payload]],
    [7, 9, [42]],
  );
});
