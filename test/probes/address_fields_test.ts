import assert from "node:assert/strict";
import { addressFields, ipAddrHash } from "../../src/probes/address_fields.ts";

Deno.test("ipAddrHash() is FNV-1a over the address bytes, IPv4-mapped IPv6 as IPv4 (blackbox's values)", () => {
  // Values from blackbox_exporter 0.23's probe_ip_addr_hash on the same addresses.
  assert.equal(ipAddrHash("127.0.0.1", 4), 3668918509);
  assert.equal(ipAddrHash("::1", 6), 1751717746);
  assert.equal(ipAddrHash("::ffff:127.0.0.1", 6), 3668918509);
});

Deno.test("addressFields() reports family, address, hash and lookup time; an odd address gets no hash", () => {
  assert.deepEqual(addressFields({ ip: "127.0.0.1", family: 4 }, 0.25), {
    ipProtocol: 4,
    ipAddress: "127.0.0.1",
    ipAddrHash: 3668918509,
    dnsLookupSeconds: 0.25,
  });
  assert.equal(addressFields({ ip: "not-an-ip", family: 4 }, 0).ipAddrHash, undefined);
});
