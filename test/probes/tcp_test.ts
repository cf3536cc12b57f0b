import { compilePeerRegex } from "../../src/base/peer_regex.ts";
import assert from "node:assert/strict";
import { createTcpProbe } from "../../src/probes/tcp.ts";
import type { ModuleOf } from "../../src/config/schema.ts";
import { bannerPeer, closedPort, silentPeer, tcpPeer } from "../_support/tcp_servers.ts";
import { selfSignedCert } from "../_support/self_signed_cert.ts";
import { probeJob } from "../_support/probe_job.ts";

const job = (port: number, options: Omit<ModuleOf<"tcp">, "type"> = {}, host = "127.0.0.1") =>
  probeJob("tcp", options, { host, port, probe: "t", timeoutMs: 500 });

const signal = new AbortController().signal;

Deno.test("createTcpProbe() succeeds on an open port and reports IPv4", async () => {
  await using peer = tcpPeer();
  const r = await createTcpProbe().run(job(peer.port), signal);
  assert.equal(r.success, true);
  assert.equal(r.ipProtocol, 4);
  assert.ok(r.durationSeconds > 0 && r.durationSeconds < 0.5);
});

Deno.test("createTcpProbe() reports refused for a closed port", async () => {
  const r = await createTcpProbe().run(job(closedPort()), signal);
  assert.equal(r.success, false);
  assert.equal(r.reason, "refused");
});

Deno.test("createTcpProbe() matches expect against a banner, mismatch otherwise", async () => {
  await using peer = bannerPeer("SSH-2.0-test\r\n");
  assert.equal(
    (await createTcpProbe().run(
      job(peer.port, { expect: compilePeerRegex("^SSH-2\\.0-") }),
      signal,
    )).success,
    true,
  );
  const r = await createTcpProbe().run(
    job(peer.port, { expect: compilePeerRegex("^HTTP/") }),
    signal,
  );
  assert.equal(r.reason, "mismatch");
  assert.equal(r.detail, 'expect /^HTTP// did not match "SSH-2.0-test\\r\\n"');
});

Deno.test("createTcpProbe() gives timeout within the timeout when the peer never answers", async () => {
  await using peer = silentPeer();
  const r = await createTcpProbe().run(job(peer.port, { expect: compilePeerRegex("x") }), signal);
  assert.equal(r.reason, "timeout");
  assert.ok(r.durationSeconds >= 0.49 && r.durationSeconds < 0.75, `${r.durationSeconds}`);
});

Deno.test("createTcpProbe() sends text and expects the echo", async () => {
  await using peer = tcpPeer(async (conn) => {
    const buf = new Uint8Array(64);
    const n = await conn.read(buf);
    await conn.write(buf.subarray(0, n ?? 0));
    conn.close();
  });
  const r = await createTcpProbe().run(
    job(peer.port, { send: "PING\r\n", expect: compilePeerRegex("^PING") }),
    signal,
  );
  assert.equal(r.success, true);
});

Deno.test("createTcpProbe() reports dns for a name that does not resolve", async () => {
  const probe = createTcpProbe({
    resolver: { resolve: () => Promise.reject(new Deno.errors.NotFound("no A record")) },
  });
  const r = await probe.run(job(22, {}, "nx.invalid"), signal);
  assert.equal(r.reason, "dns");
  assert.equal(r.detail, "no A record");
});

Deno.test("createTcpProbe() with tls reports the certificate expiry and talks through TLS", async () => {
  const pair = await selfSignedCert(30);
  await Deno.remove(pair.dir, { recursive: true });
  const { cert, key } = pair;
  const listener = Deno.listenTls({ hostname: "127.0.0.1", port: 0, cert, key });
  const serving = (async () => {
    for await (const conn of listener) {
      try {
        await conn.handshake();
        await conn.write(new TextEncoder().encode("220 ready\r\n"));
        await new Promise((r) => setTimeout(r, 50));
      } catch {
        // the verifying client hangs up on our self-signed certificate
      }
      conn.close();
    }
  })();
  const port = (listener.addr as Deno.NetAddr).port;
  try {
    const ok = await createTcpProbe().run(
      job(port, { tls: true, tls_insecure_skip_verify: true, expect: compilePeerRegex("^220 ") }),
      signal,
    );
    assert.equal(ok.success, true, ok.detail);
    const days = (ok.tls!.earliestCertExpiry - Date.now() / 1000) / 86400;
    assert.ok(days > 29 && days < 31, `expires in ${days} days`);
    // blackbox_exporter's values for the same handshake: no verified chain (Go's zero time),
    // the leaf's names as Go prints them, the version as Go names it.
    assert.equal(ok.tls!.lastChainExpiry, -62135596800);
    assert.equal(ok.tls!.subject, "CN=localhost");
    assert.equal(ok.tls!.issuer, "CN=localhost");
    assert.equal(ok.tls!.subjectAlternative, "localhost");
    assert.match(ok.tls!.version, /^TLS 1\.[23]$/);
    assert.match(ok.tls!.fingerprintSha256, /^[0-9a-f]{64}$/);
    assert.equal(ok.failedDueToRegex, false);
    assert.equal(ok.ipProtocol, 4);
    assert.equal(ok.ipAddrHash, 3668918509);

    const bad = await createTcpProbe().run(job(port, { tls: true }), signal);
    assert.equal(bad.success, false);
    assert.equal(bad.reason, "error");
    assert.match(bad.detail!, /self[- ]signed/i);
  } finally {
    listener.close();
    await serving.catch(() => {});
  }
});
