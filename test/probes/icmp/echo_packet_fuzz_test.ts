/**
 * Fuzz: 20,000 seeded packets through `decodeEchoReply()`: random bytes, and valid IPv4/IPv6
 * replies (with and without an IP header) with random cuts and byte changes. Never a throw; the
 * answer is one of IGNORE_REASONS or a reply whose fields are exactly the bytes at their places;
 * unchanged valid replies always decode to the identifier, sequence and payload they were built
 * with, and any one-byte change to an IPv4 reply is never taken for a different one.
 */
import assert from "node:assert/strict";
import {
  buildEchoRequest,
  decodeEchoReply,
  ECHO,
  IGNORE_REASONS,
} from "../../../src/probes/icmp/echo_packet.ts";
import { internetChecksum } from "../../../src/probes/icmp/checksum.ts";
import { prng, type Rng } from "../../_support/prng.ts";

const ITERATIONS = 20_000;

/** A valid echo reply for `family`, with an IPv4 header in front when `withIp`. */
function reply(rng: Rng, family: 4 | 6, withIp: boolean) {
  const identifier = rng.int(65536);
  const sequence = rng.int(65536);
  const size = rng.int(64);
  const packet = buildEchoRequest({ family, identifier, sequence, cookie: rng.bytes(8), size });
  packet[0] = ECHO[family].reply;
  packet[2] = packet[3] = 0;
  if (family === 4) {
    const sum = internetChecksum(packet);
    packet[2] = sum >> 8;
    packet[3] = sum & 0xff;
  }
  if (!withIp) {
    return { bytes: packet, identifier, sequence, payload: packet.subarray(8), start: 0 };
  }
  const ihl = 5 + rng.int(3);
  const bytes = new Uint8Array(ihl * 4 + packet.length);
  bytes[0] = 0x40 | ihl;
  bytes.set(packet, ihl * 4);
  return { bytes, identifier, sequence, payload: packet.subarray(8), start: ihl * 4 };
}

Deno.test(`decodeEchoReply() answers ${ITERATIONS} random and damaged packets exactly`, () => {
  const rng = prng(21);
  const counts: Record<string, number> = {};
  for (let i = 0; i < ITERATIONS; i++) {
    const family = rng.pick([4, 6] as const);
    const withIp = family === 4 && rng.chance(0.5);
    const base = reply(rng, family, withIp);
    let bytes = base.bytes;
    const kind = rng.int(4);
    if (kind === 1) bytes = rng.bytes(rng.int(80));
    if (kind === 2) bytes = bytes.slice(0, rng.int(bytes.length));
    let changed = -1;
    if (kind === 3) {
      bytes = bytes.slice();
      changed = rng.int(bytes.length);
      bytes[changed] = (bytes[changed]! + 1 + rng.int(255)) & 0xff;
    }
    let got;
    try {
      got = decodeEchoReply(bytes, family, withIp);
    } catch (e) {
      throw new Error(`case ${i}: decodeEchoReply threw ${e} on [${bytes}]`, { cause: e });
    }
    if (typeof got === "string") {
      assert.ok(IGNORE_REASONS.includes(got), `case ${i}: ${got}`);
      assert.notEqual(kind, 0, `case ${i}: a valid reply was ignored as ${got}`);
      counts[got] = (counts[got] ?? 0) + 1;
      continue;
    }
    counts.reply = (counts.reply ?? 0) + 1;
    const start = withIp ? (bytes[0]! & 0x0f) * 4 : 0;
    assert.equal(got.identifier, (bytes[start + 4]! << 8) | bytes[start + 5]!, `case ${i}`);
    assert.equal(got.sequence, (bytes[start + 6]! << 8) | bytes[start + 7]!, `case ${i}`);
    assert.deepEqual([...got.payload], [...bytes.subarray(start + 8)], `case ${i}`);
    if (kind === 0 || (kind === 2 && bytes.length >= base.start + 8 && family === 6)) {
      assert.equal(got.identifier, base.identifier, `case ${i}`);
      assert.equal(got.sequence, base.sequence, `case ${i}`);
    }
    if (kind === 3 && family === 4 && changed >= base.start) {
      // The checksum catches any one-byte change of the ICMP message: only a change to the
      // identifier/sequence/payload bytes that keeps the sum could pass, and none does.
      assert.fail(`case ${i}: byte ${changed} changed and the reply was still taken`);
    }
  }
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  assert.equal(total, ITERATIONS);
  assert.ok((counts.reply ?? 0) > ITERATIONS / 4, JSON.stringify(counts));
});
