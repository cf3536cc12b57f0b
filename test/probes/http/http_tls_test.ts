import assert from "node:assert/strict";
import { runHttp } from "./_run.ts";
import { startHttpServer } from "../../_support/http_servers.ts";
import { selfSignedCert } from "../../_support/self_signed_cert.ts";
import { GO_ZERO_TIME_UNIX } from "../../../src/probes/tls_info.ts";
import { probeSamples } from "../../../src/results/probe_samples.ts";

/** SHA-256 of a PEM certificate's DER bytes, lower-case hex. */
async function fingerprint(pem: string): Promise<string> {
  const b64 = pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
  const der = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const sum = new Uint8Array(await crypto.subtle.digest("SHA-256", der));
  return [...sum].map((b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("http probe: HTTPS reports blackbox's TLS set (version, chain expiry, leaf info)", async () => {
  const pair = await selfSignedCert(30);
  try {
    await using s = startHttpServer(pair);
    const o = await runHttp(`${s.url}/ok`, { tls: { ca_file: pair.certFile } });
    assert.equal(o.success, true, o.detail);
    const tls = o.tls!;
    assert.ok(tls, "the handshake's details are in the outcome");
    assert.equal(tls.version, "TLS 1.3");
    assert.equal(tls.subject, "CN=localhost");
    assert.equal(tls.issuer, "CN=localhost");
    assert.equal(tls.subjectAlternative, "localhost");
    assert.equal(tls.fingerprintSha256, await fingerprint(pair.cert));
    assert.ok(tls.earliestCertExpiry > Date.now() / 1000 + 29 * 86400);
    assert.equal(tls.lastChainExpiry, tls.earliestCertExpiry, "a verified chain");
    const names = probeSamples({
      ...o,
      key: "k",
      timestampMs: 0,
      target: s.url,
      probe: "https",
      type: "http",
      labels: {},
      attempts: 1,
    }).map((x) => x.name);
    for (
      const n of [
        "probe_ssl_earliest_cert_expiry",
        "probe_ssl_last_chain_expiry_timestamp_seconds",
        "probe_ssl_last_chain_info",
        "probe_tls_version_info",
      ]
    ) assert.equal(names.filter((x) => x === n).length, 1, n);

    const insecure = await runHttp(`${s.url}/ok`, { tls: { insecure_skip_verify: true } });
    assert.equal(insecure.success, true, insecure.detail);
    assert.equal(insecure.tls?.lastChainExpiry, GO_ZERO_TIME_UNIX, "no chain was verified");
    assert.equal(insecure.tls?.earliestCertExpiry, tls.earliestCertExpiry);

    await using plain = startHttpServer();
    const p = await runHttp(`${plain.url}/ok`);
    assert.equal(p.success, true, p.detail);
    assert.equal(p.tls, undefined);
    assert.equal(p.tlsCertExpiry, undefined);
  } finally {
    await Deno.remove(pair.dir, { recursive: true });
  }
});
