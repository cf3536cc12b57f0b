import assert from "node:assert/strict";
import { addressProblem, isDnsName, isIpv4, isIpv6 } from "../../src/targets/address_check.ts";

Deno.test("addressProblem() accepts every address form of SPEC §5", () => {
  for (
    const a of [
      "10.0.0.1",
      "10.0.0.1:22",
      "db1.example",
      "db1.example:5432",
      "localhost",
      "[::1]:22",
      "[fe80::1%eth0]:22",
      "::1",
      "2001:db8::8a2e:370:7334",
      "::ffff:192.0.2.1",
      "[2001:db8::1]",
      "_sip._udp.example.org",
      "host-1.example.",
    ]
  ) assert.equal(addressProblem(a), undefined, a);
});

Deno.test("addressProblem() rejects malformed addresses with what is wrong", () => {
  assert.equal(addressProblem(""), "address is empty");
  assert.equal(addressProblem("h:0"), "port 0 is out of range 1-65535");
  assert.equal(addressProblem("h:70000"), "port 70000 is out of range 1-65535");
  assert.equal(addressProblem("h:ssh"), 'port "ssh" is not a number');
  assert.equal(addressProblem("a b"), '"a b" is not an IPv4 address or a DNS name');
  assert.equal(addressProblem("1.2.3.999"), '"1.2.3.999" is not an IPv4 address or a DNS name');
  assert.equal(addressProblem("[::1"), "expected [IPv6]:port");
  assert.equal(addressProblem("[10.0.0.1]:22"), '"10.0.0.1" is not an IPv6 address');
  assert.equal(
    addressProblem("-bad.example"),
    '"-bad.example" is not an IPv4 address or a DNS name',
  );
  assert.equal(addressProblem("x".repeat(301)), "address is longer than 300 characters");
  // URL targets are for type http probe modules (the job builder rejects them for others).
  assert.equal(addressProblem("http://h/"), undefined);
  assert.equal(addressProblem("http://user:pw@h/"), "credentials in the URL (use basic_auth)");
});

Deno.test("isIpv4(), isIpv6() and isDnsName() classify hosts", () => {
  assert.equal(isIpv4("255.255.255.255"), true);
  assert.equal(isIpv4("256.1.1.1"), false);
  assert.equal(isIpv4("01.1.1.1"), false);
  assert.equal(isIpv6("1:2:3:4:5:6:7:8"), true);
  assert.equal(isIpv6("1:2:3:4:5:6:7:8:9"), false);
  assert.equal(isIpv6("1::2::3"), false);
  assert.equal(isIpv6("::"), true);
  assert.equal(isIpv6("12345::"), false);
  assert.equal(isDnsName("a".repeat(64) + ".example"), false);
  assert.equal(isDnsName("a".repeat(63) + ".example"), true);
  assert.equal(isDnsName("1.2.3"), false);
});
