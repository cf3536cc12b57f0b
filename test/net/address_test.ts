import assert from "node:assert/strict";
import { isIPv4, isIPv6, parseAddress } from "../../src/net/address.ts";

Deno.test("parseAddress() reads IPv4 with and without a port", () => {
  assert.deepEqual(parseAddress("10.0.0.1"), { host: "10.0.0.1", port: undefined, family: 4 });
  assert.deepEqual(parseAddress("10.0.0.1:22"), { host: "10.0.0.1", port: 22, family: 4 });
  assert.deepEqual(parseAddress("255.255.255.255:65535"), {
    host: "255.255.255.255",
    port: 65535,
    family: 4,
  });
});

Deno.test("parseAddress() reads IPv6 bare and in brackets", () => {
  assert.deepEqual(parseAddress("::1"), { host: "::1", family: 6 });
  assert.deepEqual(parseAddress("[::1]:22"), { host: "::1", port: 22, family: 6 });
  assert.deepEqual(parseAddress("[::1]"), { host: "::1", port: undefined, family: 6 });
  assert.deepEqual(parseAddress("2001:db8::1"), { host: "2001:db8::1", family: 6 });
  assert.deepEqual(parseAddress("[::ffff:10.0.0.1]:80"), {
    host: "::ffff:10.0.0.1",
    port: 80,
    family: 6,
  });
});

Deno.test("parseAddress() reads DNS names with and without a port", () => {
  assert.deepEqual(parseAddress("db1.example"), { host: "db1.example", port: undefined });
  assert.deepEqual(parseAddress("db1.example:5432"), { host: "db1.example", port: 5432 });
  assert.deepEqual(parseAddress("localhost"), { host: "localhost", port: undefined });
  assert.deepEqual(parseAddress("_sip.a-b.example."), {
    host: "_sip.a-b.example.",
    port: undefined,
  });
});

Deno.test("parseAddress() names what is wrong", () => {
  const cases: [string, string][] = [
    ["", "expected 1 to 300 characters"],
    ["a".repeat(301), "expected 1 to 300 characters"],
    ["1.2.3.256", "not a valid IPv4 address"],
    ["1.2.3", "not a valid IPv4 address"],
    ["01.2.3.4", "not a valid IPv4 address"],
    ["host:0", "port 0 is out of range 1-65535"],
    ["host:65536", "port 65536 is out of range 1-65535"],
    ["host:", 'port "" is not a number'],
    ["host:ssh", 'port "ssh" is not a number'],
    ["host:-1", 'port "-1" is not a number'],
    ["host:123456", 'port "123456" is not a number'],
    ["[::1", "no closing ]"],
    ["[::1]22", "expected :port after ]"],
    ["[::1]:", 'port "" is not a number'],
    ["[1.2.3.4]:80", "expected an IPv6 address inside [ ]"],
    ["[::1::2]:80", "expected an IPv6 address inside [ ]"],
    ["fe80::1%eth0", "expected an IPv6 address, or [IPv6]:port with a port"],
    ["1.2.3.4::", "expected an IPv6 address, or [IPv6]:port with a port"],
    [":22", "expected an IP address or a DNS name"],
    ["-bad.example", "expected an IP address or a DNS name"],
    ["a..b", "expected an IP address or a DNS name"],
    ["a b", "expected an IP address or a DNS name"],
    [`${"a".repeat(64)}.example`, "expected an IP address or a DNS name"],
  ];
  for (const [text, why] of cases) {
    assert.throws(() => parseAddress(text), {
      name: "SyntaxError",
      message: `Cannot parse address "${text}": ${why}`,
      cause: why,
    }, text);
  }
});

Deno.test("isIPv4() accepts dotted quads only", () => {
  assert.deepEqual(
    [
      "0.0.0.0",
      "127.0.0.1",
      "255.255.255.255",
      "1.2.3.256",
      "1.2.3",
      "01.2.3.4",
      "1.2.3.4.5",
      "a.b.c.d",
    ]
      .map(isIPv4),
    [true, true, true, false, false, false, false, false],
  );
});

Deno.test("isIPv6() accepts full, compressed and IPv4-tailed forms", () => {
  const good = [
    "::",
    "::1",
    "1::",
    "2001:db8::1",
    "1:2:3:4:5:6:7:8",
    "1:2:3:4:5:6:7::",
    "::ffff:10.0.0.1",
    "1:2:3:4:5:6:1.2.3.4",
    "FE80::ABCD",
  ];
  const bad = [
    "1",
    ":",
    ":::",
    "1::2::3",
    "1:2:3:4:5:6:7:8:9",
    "1:2:3:4:5:6:7:8::",
    "1:2:3:4:5:6:7",
    "12345::1",
    "g::1",
    "1.2.3.4::",
    "::1.2.3.4:1",
    "::1.2.3.256",
    "1:2:3:4:5:6:7:1.2.3.4",
    ":1:2:3:4:5:6:7",
    "fe80::1%eth0",
  ];
  for (const text of good) assert.equal(isIPv6(text), true, text);
  for (const text of bad) assert.equal(isIPv6(text), false, text);
});
