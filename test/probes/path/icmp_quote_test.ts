import assert from "node:assert/strict";
import { decodeIcmpQuote } from "../../../src/probes/path/icmp_quote.ts";
import { internetChecksum } from "../../../src/probes/icmp/checksum.ts";
import { prng } from "../../_support/prng.ts";

/** Time exceeded from 198.19.1.2 quoting an echo request to 198.19.9.1, id 0x1234, seq 7. */
function timeExceeded4(): Uint8Array {
  const quote = new Uint8Array(20 + 16);
  quote.set([0x45, 0, 0, 36, 0, 0, 0, 0, 1, 1, 0, 0, 198, 19, 0, 1, 198, 19, 9, 1]);
  quote.set([8, 0, 0, 0, 0x12, 0x34, 0, 7, 1, 2, 3, 4, 5, 6, 7, 8], 20);
  const icmp = new Uint8Array(8 + quote.length);
  icmp[0] = 11;
  icmp.set(quote, 8);
  const sum = internetChecksum(icmp);
  icmp[2] = sum >> 8;
  icmp[3] = sum & 0xff;
  const ip = new Uint8Array(20 + icmp.length);
  ip.set([0x45, 0, 0, ip.length, 0, 0, 0, 0, 64, 1, 0, 0, 198, 19, 1, 2, 198, 19, 0, 1]);
  ip.set(icmp, 20);
  return ip;
}

/** Time exceeded (ICMPv6 type 3) quoting an ICMPv6 echo request to fd00::9, id 0xabcd, seq 2. */
function timeExceeded6(): Uint8Array {
  const m = new Uint8Array(8 + 40 + 8);
  m[0] = 3;
  m.set([0x60, 0, 0, 0, 0, 8, 58, 1], 8);
  m[8 + 24] = 0xfd; // destination fd00::9
  m[8 + 39] = 9;
  m.set([128, 0, 0, 0, 0xab, 0xcd, 0, 2], 48);
  return m;
}

Deno.test("decodeIcmpQuote() reads an IPv4 time exceeded: kind, quoted destination, identifier, sequence", () => {
  const q = decodeIcmpQuote(timeExceeded4(), 4, true);
  assert.ok(typeof q !== "string");
  assert.equal(q.kind, "time_exceeded");
  assert.deepEqual(
    q.kind === "time_exceeded" && [q.protocol, q.destination, q.first, q.second, q.quoted.length],
    [1, "198.19.9.1", 0x1234, 7, 16],
  );
});

Deno.test("decodeIcmpQuote() reads an ICMPv6 time exceeded and unreachable", () => {
  const m = timeExceeded6();
  const q = decodeIcmpQuote(m, 6, false);
  assert.deepEqual(
    typeof q !== "string" && q.kind !== "echo_reply" &&
      [q.kind, q.protocol, q.destination, q.first, q.second],
    ["time_exceeded", 58, "fd00:0:0:0:0:0:0:9", 0xabcd, 2],
  );
  m[0] = 1;
  m[1] = 4;
  const u = decodeIcmpQuote(m, 6, false);
  assert.deepEqual(typeof u !== "string" && u.kind !== "echo_reply" && [u.kind, u.code], [
    "unreachable",
    4,
  ]);
});

Deno.test("decodeIcmpQuote() refuses short, damaged, other-type and bad-quote messages with a reason", () => {
  const m = timeExceeded4();
  assert.equal(decodeIcmpQuote(m.subarray(0, 27), 4, true), "short");
  const bad = m.slice();
  bad[30] = bad[30]! ^ 1;
  assert.equal(decodeIcmpQuote(bad, 4, true), "checksum");
  assert.equal(decodeIcmpQuote(m.subarray(0, 20 + 8 + 20 + 4), 4, true), "checksum");
  const redirect = timeExceeded6();
  redirect[0] = 137;
  assert.equal(decodeIcmpQuote(redirect, 6, false), "other_type");
  const notEcho = timeExceeded6();
  notEcho[48] = 129; // quotes an echo reply, not a request we send
  assert.equal(decodeIcmpQuote(notEcho, 6, false), "bad_quote");
  const v4in6 = timeExceeded6();
  v4in6[8] = 0x45;
  assert.equal(decodeIcmpQuote(v4in6, 6, false), "bad_quote");
});

const REASONS = new Set(["short", "checksum", "other_type", "bad_quote"]);

Deno.test("decodeIcmpQuote() never throws on random or mutated bytes (20,000 cases, fixed seed)", () => {
  const rng = prng(16);
  const seeds = [timeExceeded4(), timeExceeded6()];
  for (let i = 0; i < 20_000; i++) {
    const family = rng.chance(0.5) ? 4 : 6;
    let bytes: Uint8Array;
    if (rng.chance(0.3)) bytes = rng.bytes(rng.int(120));
    else {
      bytes = seeds[family === 4 ? 0 : 1]!.slice(0, 1 + rng.int(80));
      for (let k = rng.int(4); k > 0; k--) bytes[rng.int(bytes.length)] = rng.int(256);
    }
    const q = decodeIcmpQuote(bytes, family, family === 4);
    if (typeof q === "string") assert.ok(REASONS.has(q), q);
    else if (q.kind !== "echo_reply") {
      assert.ok(q.first >= 0 && q.first <= 0xffff && q.second >= 0 && q.second <= 0xffff);
      assert.ok(q.quoted.length >= 8);
    }
  }
});
