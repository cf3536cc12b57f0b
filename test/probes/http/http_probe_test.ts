import assert from "node:assert/strict";
import { gauge, runHttp } from "./_run.ts";
import { startHttpServer } from "../../_support/http_servers.ts";
import { selfSignedCert } from "../../_support/self_signed_cert.ts";
import { closedPort } from "../../_support/tcp_servers.ts";

Deno.test("http probe: 200 with blackbox's metrics", async () => {
  await using s = startHttpServer();
  const o = await runHttp(`${s.url}/ok`);
  assert.equal(o.success, true, o.detail);
  assert.equal(o.ipProtocol, 4);
  assert.equal(gauge(o, "probe_http_status_code"), 200);
  assert.equal(gauge(o, "probe_http_content_length"), 11);
  assert.equal(gauge(o, "probe_http_uncompressed_body_length"), 11);
  assert.equal(gauge(o, "probe_http_redirects"), 0);
  assert.equal(gauge(o, "probe_http_ssl"), 0);
  assert.equal(gauge(o, "probe_http_version"), 1.1);
  assert.equal(gauge(o, "probe_failed_due_to_regex"), 0);
  assert.equal(gauge(o, "probe_http_last_modified_timestamp_seconds"), 1796119200);
  assert.deepEqual(
    o.gauges!.filter((g) => g.name === "probe_http_duration_seconds").map((g) => g.labels![0]![1]),
    ["resolve", "connect", "tls", "processing", "transfer"],
  );
  assert.ok(gauge(o, "probe_http_duration_seconds", "connect")! > 0);
  assert.ok(gauge(o, "probe_http_duration_seconds", "processing")! > 0);
  assert.equal(gauge(o, "probe_http_duration_seconds", "tls"), 0);
});

Deno.test("http probe: a host:port target means http://host:port/", async () => {
  await using s = startHttpServer();
  const o = await runHttp(`127.0.0.1:${s.port}`, { valid_status_codes: [404] });
  assert.equal(o.success, true, o.detail);
  assert.deepEqual(s.log, ["GET /"]);
});

Deno.test("http probe: follows a 301 chain, counts redirects, stops after 10", async () => {
  await using s = startHttpServer();
  const o = await runHttp(`${s.url}/redirect/3`);
  assert.equal(o.success, true, o.detail);
  assert.equal(gauge(o, "probe_http_redirects"), 3);
  assert.deepEqual(s.log, ["GET /redirect/3", "GET /redirect/2", "GET /redirect/1", "GET /ok"]);
  const loop = await runHttp(`${s.url}/loop`);
  assert.equal(loop.success, false);
  assert.equal(loop.reason, "mismatch");
  assert.equal(loop.detail, "status 302, expected 2xx");
  assert.equal(gauge(loop, "probe_http_redirects"), 10);
  const off = await runHttp(`${s.url}/redirect/1`, { follow_redirects: false });
  assert.equal(gauge(off, "probe_http_status_code"), 301);
  assert.equal(off.success, false);
});

Deno.test("http probe: 404 and 500 fail; valid_status_codes decides", async () => {
  await using s = startHttpServer();
  const nf = await runHttp(`${s.url}/404`);
  assert.deepEqual([nf.success, nf.reason, nf.detail], [
    false,
    "mismatch",
    "status 404, expected 2xx",
  ]);
  const err = await runHttp(`${s.url}/500`, { valid_status_codes: [200, 204] });
  assert.equal(err.detail, "status 500 is not one of 200, 204");
  assert.equal(gauge(err, "probe_http_status_code"), 500);
  assert.equal((await runHttp(`${s.url}/500`, { valid_status_codes: [500] })).success, true);
});

Deno.test("http probe: body and header regexes set probe_failed_due_to_regex", async () => {
  await using s = startHttpServer();
  const ok = await runHttp(`${s.url}/ok`, {
    fail_if_body_not_matches_regexp: ["hello"],
    fail_if_header_not_matches: [{ header: "X-Test", regexp: "^yes$" }],
  });
  assert.equal(ok.success, true, ok.detail);
  const body = await runHttp(`${s.url}/ok`, { fail_if_body_matches_regexp: ["wor.d"] });
  assert.deepEqual([body.success, body.detail], [false, "body matched /wor.d/"]);
  assert.equal(gauge(body, "probe_failed_due_to_regex"), 1);
  const missing = await runHttp(`${s.url}/ok`, {
    fail_if_header_matches: [{ header: "X-Nope", regexp: "." }],
  });
  assert.equal(missing.detail, "header X-Nope is missing");
  const allowed = await runHttp(`${s.url}/ok`, {
    fail_if_header_matches: [{ header: "X-Nope", regexp: ".", allow_missing: true }],
  });
  assert.equal(allowed.success, true);
});

Deno.test("http probe: method, headers and body are sent; 303 turns into GET", async () => {
  await using s = startHttpServer();
  const o = await runHttp(`${s.url}/echo`, {
    method: "POST",
    body: "ping",
    headers: { "X-Probe": "1" },
    fail_if_body_not_matches_regexp: ["^POST ping$"],
  });
  assert.equal(o.success, true, o.detail);
  assert.equal(s.lastHeaders?.get("x-probe"), "1");
  const see = await runHttp(`${s.url}/see-other`, {
    method: "POST",
    body: "ping",
    fail_if_body_not_matches_regexp: ["^GET $"],
  });
  assert.equal(see.success, true, see.detail);
});

Deno.test("http probe: gzip is decoded for the uncompressed length", async () => {
  await using s = startHttpServer();
  const o = await runHttp(`${s.url}/gzip`, { fail_if_body_not_matches_regexp: ["^compressible "] });
  assert.equal(o.success, true, o.detail);
  assert.equal(gauge(o, "probe_http_uncompressed_body_length"), 13_000);
  assert.equal(gauge(o, "probe_http_content_length"), -1);
  assert.equal(s.lastHeaders?.get("accept-encoding"), "gzip");
});

Deno.test("http probe: a 100 MB body stops at body_size_limit without being read", async () => {
  await using s = startHttpServer();
  const o = await runHttp(`${s.url}/big`, { body_size_limit: "1MiB" });
  assert.equal(o.success, false);
  assert.equal(o.reason, "error");
  assert.equal(o.detail, "Cannot read body: over body_size_limit (1048576 bytes)");
  assert.equal(gauge(o, "probe_http_content_length"), 104857600);
  await new Promise((r) => setTimeout(r, 100));
  assert.ok(s.bigBytesSent() < 20 * 1024 * 1024, `server sent ${s.bigBytesSent()} bytes`);
});

Deno.test("http probe: a 100 MB body without a limit is counted, not held", async () => {
  await using s = startHttpServer();
  const before = Deno.memoryUsage().rss;
  const o = await runHttp(`${s.url}/big`, {}, 30_000);
  assert.equal(o.success, true, o.detail);
  assert.equal(gauge(o, "probe_http_uncompressed_body_length"), 100 * 1024 * 1024);
  assert.ok(gauge(o, "probe_http_duration_seconds", "transfer")! > 0);
  const grown = Deno.memoryUsage().rss - before;
  assert.ok(grown < 60 * 1024 * 1024, `RSS grew ${grown} bytes`);
});

Deno.test("http probe: a slow body times out at the probe's timeout", async () => {
  await using s = startHttpServer();
  const t0 = performance.now();
  const o = await runHttp(`${s.url}/slow`, {}, 700);
  assert.equal(o.success, false);
  assert.equal(o.reason, "timeout");
  assert.ok(performance.now() - t0 < 1500);
  assert.equal(gauge(o, "probe_http_status_code"), 200, "the head came, as blackbox reports it");
});

Deno.test("http probe: basic auth and bearer token from files", async () => {
  await using s = startHttpServer();
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/pw`, "s3cret\n");
  await Deno.writeTextFile(`${dir}/tok`, "t0ken\n");
  try {
    const basic = await runHttp(`${s.url}/auth`, {
      basic_auth: { username: "user", password_file: `${dir}/pw` },
    });
    assert.equal(basic.success, true, basic.detail);
    const bearer = await runHttp(`${s.url}/auth`, { bearer_token_file: `${dir}/tok` });
    assert.equal(bearer.success, true, bearer.detail);
    const none = await runHttp(`${s.url}/auth`);
    assert.equal(none.detail, "status 401, expected 2xx");
    const gone = await runHttp(`${s.url}/auth`, { bearer_token_file: `${dir}/missing` });
    assert.match(gone.detail!, /^Cannot read .*\/missing: /);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("http probe: HTTPS with tls.ca_file, server_name and fail_if_ssl / fail_if_not_ssl", async () => {
  const pair = await selfSignedCert(30);
  try {
    await using s = startHttpServer(pair);
    const o = await runHttp(`${s.url}/ok`, { tls: { ca_file: pair.certFile } });
    assert.equal(o.success, true, o.detail);
    assert.equal(gauge(o, "probe_http_ssl"), 1);
    assert.ok(gauge(o, "probe_http_duration_seconds", "tls")! > 0);
    assert.ok(o.tls!.earliestCertExpiry > Date.now() / 1000 + 29 * 86400);
    const untrusted = await runHttp(`${s.url}/ok`);
    assert.equal(untrusted.success, false);
    assert.match(untrusted.detail!, /self.signed|unable to verify|certificate/i);
    const right = await runHttp(`${s.url}/ok`, {
      tls: { ca_file: pair.certFile, server_name: "localhost" },
    });
    assert.equal(right.success, true, right.detail);
    const named = await runHttp(`https://localhost:${s.port}/ok`, {
      tls: { ca_file: pair.certFile, server_name: "wrong.example" },
    });
    assert.equal(named.success, false);
    assert.match(named.detail!, /wrong\.example/);
    const ssl = await runHttp(`${s.url}/ok`, {
      tls: { ca_file: pair.certFile },
      fail_if_ssl: true,
    });
    assert.equal(ssl.detail, "the final request was over TLS");
    await using plain = startHttpServer();
    const notSsl = await runHttp(`${plain.url}/ok`, { fail_if_not_ssl: true });
    assert.equal(notSsl.detail, "the final request was not over TLS");
  } finally {
    await Deno.remove(pair.dir, { recursive: true });
  }
});

Deno.test("http probe: a closed port is refused, with the phases so far", async () => {
  const port = closedPort();
  const o = await runHttp(`http://127.0.0.1:${port}/`);
  assert.equal(o.reason, "refused");
  assert.equal(gauge(o, "probe_http_status_code"), 0);
});

Deno.test("http probe: an IPv6 literal URL is probed over IPv6", async () => {
  const server = Deno.serve(
    { hostname: "::1", port: 0, onListen: () => {} },
    () => new Response("six"),
  );
  try {
    const o = await runHttp(`http://[::1]:${server.addr.port}/`, {
      fail_if_body_not_matches_regexp: ["^six$"],
    });
    assert.equal(o.success, true, o.detail);
    assert.equal(o.ipProtocol, 6);
  } finally {
    await server.shutdown();
  }
});
