import assert from "node:assert/strict";
import {
  distinguishedName,
  GO_ZERO_TIME_UNIX,
  tlsInfo,
  tlsVersionName,
} from "../../src/probes/tls_info.ts";

Deno.test("distinguishedName() prints RFC 2253 as Go does: last RDN first, specials escaped", () => {
  assert.equal(
    distinguishedName({ C: "DE", O: "Test Org", CN: "localhost" }),
    "CN=localhost,O=Test Org,C=DE",
  );
  assert.equal(
    distinguishedName({ O: 'a,b+c"d\\e<f>g;h', CN: " x " }),
    'CN=\\ x\\ ,O=a\\,b\\+c\\"d\\\\e\\<f\\>g\\;h',
  );
  assert.equal(distinguishedName({ OU: ["a", "b"], CN: "#x" }), "CN=\\#x,OU=b,OU=a");
  assert.equal(distinguishedName(undefined), "");
});

Deno.test("tlsVersionName() uses Go's names", () => {
  assert.equal(tlsVersionName("TLSv1.3"), "TLS 1.3");
  assert.equal(tlsVersionName("TLSv1.2"), "TLS 1.2");
  assert.equal(tlsVersionName("TLSv1.1"), "TLS 1.1");
  assert.equal(tlsVersionName("TLSv1"), "TLS 1.0");
  assert.equal(tlsVersionName("SSLv3"), "unknown");
  assert.equal(tlsVersionName(null), "unknown");
});

Deno.test("tlsInfo() takes the earliest expiry of the chain; an unverified chain's last expiry is Go's zero time", () => {
  const root = { subject: { CN: "root" }, valid_to: "Jan  1 00:00:00 2040 GMT" };
  const inter = {
    subject: { CN: "inter" },
    valid_to: "Jan  1 00:00:00 2030 GMT",
    issuerCertificate: root,
  };
  (root as { issuerCertificate?: unknown }).issuerCertificate = root; // a self-signed root points at itself
  const leaf = {
    subject: { O: "Org", CN: "db.example" },
    issuer: { CN: "inter" },
    subjectaltname: "DNS:db.example, IP Address:10.0.0.1, DNS:db",
    fingerprint256: "AB:CD:EF",
    valid_to: "Jun  1 00:00:00 2031 GMT",
    issuerCertificate: inter,
  };
  const verified = tlsInfo(leaf, "TLSv1.3", true)!;
  assert.deepEqual(verified, {
    earliestCertExpiry: Date.UTC(2030, 0, 1) / 1000,
    lastChainExpiry: Date.UTC(2030, 0, 1) / 1000,
    version: "TLS 1.3",
    fingerprintSha256: "abcdef",
    subject: "CN=db.example,O=Org",
    issuer: "CN=inter",
    subjectAlternative: "db.example,db",
  });
  assert.equal(tlsInfo(leaf, "TLSv1.2", false)!.lastChainExpiry, GO_ZERO_TIME_UNIX);
  assert.equal(
    tlsInfo({ subject: {} }, "TLSv1.3", true),
    undefined,
    "no expiry: nothing to report",
  );
  assert.equal(tlsInfo({ valid_to: "garbage" }, "TLSv1.3", true), undefined);
});
