/**
 * The address checks of every big load (200,000 targets are validated, then parsed into jobs) on
 * the common `IPv4:port` and `name:port` forms: they end before any split or case-blind regex,
 * which built ~500-700 B of garbage per address (~270 MB for the young generation per load).
 */
import assert from "node:assert/strict";
import { hasTwoColons, isIPv6, parseAddress } from "../../src/net/address.ts";
import { looksLikeUrl } from "../../src/net/target_url.ts";
import { addressProblem, isIpv6 } from "../../src/targets/address_check.ts";

/** Calls of String.prototype.split and RegExp.prototype.test while `fn` runs. */
function countCalls(fn: () => void): { split: number; test: number } {
  const { split } = String.prototype;
  const { test } = RegExp.prototype;
  const n = { split: 0, test: 0 };
  String.prototype.split = function (this: string, ...args: Parameters<typeof split>) {
    n.split++;
    return split.apply(this, args);
  } as typeof split;
  RegExp.prototype.test = function (this: RegExp, s: string) {
    n.test++;
    return test.call(this, s);
  };
  try {
    fn();
  } finally {
    String.prototype.split = split;
    RegExp.prototype.test = test;
  }
  return n;
}

Deno.test("hasTwoColons() counts at most two colons", () => {
  assert.deepEqual(
    ["", ":", "a:b", "::", "a:b:c", "1.2.3.4:80", "fe80::1%eth0"].map(hasTwoColons),
    [false, false, false, true, true, false, true],
  );
});

Deno.test("isIPv6() and isIpv6() refuse a one-colon text without splitting it", () => {
  const calls = countCalls(() => {
    for (const t of ["127.0.3.20:9", "a:b", "db1.example:5432", "1:2"]) {
      assert.equal(isIPv6(t), false, t);
      assert.equal(isIpv6(t), false, t);
    }
  });
  assert.equal(calls.split, 0);
  // Still IPv6 with two colons or more, zone included where the checker takes one.
  assert.equal(isIPv6("1::"), true);
  assert.equal(isIpv6("fe80::1%eth0"), true);
});

Deno.test("looksLikeUrl() runs its regex only on a text starting with h or H", () => {
  const calls = countCalls(() => {
    assert.equal(looksLikeUrl("127.0.3.20:9"), false);
    assert.equal(looksLikeUrl(""), false);
    assert.equal(looksLikeUrl("[::1]:80"), false);
  });
  assert.equal(calls.test, 0);
  assert.deepEqual(
    ["http://a", "HTTPS://a", "hTtP://a", "host:80", "https:/a"].map(looksLikeUrl),
    [true, true, true, false, false],
  );
});

Deno.test("An IPv4 host:port is checked and parsed without a split", () => {
  const calls = countCalls(() => {
    assert.equal(addressProblem("127.0.3.20:9"), undefined);
    assert.deepEqual(parseAddress("127.0.3.20:9"), { host: "127.0.3.20", port: 9, family: 4 });
  });
  assert.equal(calls.split, 0);
});
