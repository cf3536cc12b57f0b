import assert from "node:assert/strict";
import { gauge, runHttp } from "./_run.ts";
import { startRawHttpServer } from "../../_support/http_servers.ts";

async function against(response: string, module: Record<string, unknown> = {}) {
  await using s = startRawHttpServer(response);
  return await runHttp(`${s.url}/`, module);
}

Deno.test("http probe rejects hostile response heads with a clear error", async () => {
  const cases: [string, string][] = [
    [`HTTP/1.1 200 OK\r\nX-Big: ${"a".repeat(100_000)}\r\n\r\n`, "a line is over"],
    [
      `HTTP/1.1 200 OK\r\n${"X-A: 1\r\n".repeat(1000)}\r\n`,
      "Cannot read response: more than 200 header fields",
    ],
    ["HTTP/1.1 OK\r\n\r\n", 'Cannot read response: bad status line "HTTP/1.1 OK"'],
    ["SSH-2.0-OpenSSH\r\n", 'Cannot read response: bad status line "SSH-2.0-OpenSSH"'],
    [
      "HTTP/1.1 200 OK\r\nX-A: a\0b\r\n\r\n",
      "Cannot read response: control characters in header X-A",
    ],
    [
      "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
      'Cannot read response: bad header field "Bad Name: x"',
    ],
    ["HTTP/1.1 200 OK\r\nX-A: 1\r\n", "Cannot read response: the server closed inside the header"],
    ["", "Cannot read response: the server closed without a status line"],
  ];
  for (const [response, message] of cases) {
    const o = await against(response);
    assert.equal(o.success, false, message);
    assert.equal(o.reason, "error", message);
    assert.ok(o.detail?.includes(message), `${o.detail} should include ${message}`);
  }
});

Deno.test("http probe rejects broken body framing", async () => {
  const cases: [string, string][] = [
    [
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
      "Cannot read body: conflicting Content-Length values",
    ],
    [
      "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort",
      "Cannot read body: the server closed 95 bytes short",
    ],
    [
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      'Cannot read body: bad chunk size "zz"',
    ],
    [
      "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\nnope",
      "Cannot decode gzip body",
    ],
  ];
  for (const [response, message] of cases) {
    const o = await against(response);
    assert.equal(o.success, false, message);
    assert.ok(o.detail?.startsWith(message), `${o.detail} should start with ${message}`);
  }
});

Deno.test("http probe reads chunked bodies and HTTP/1.0 bodies to the end", async () => {
  const chunked = await against(
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-T: 1\r\n\r\n",
    { fail_if_body_not_matches_regexp: ["^hello world$"] },
  );
  assert.equal(chunked.success, true, chunked.detail);
  assert.equal(gauge(chunked, "probe_http_content_length"), -1);
  assert.equal(gauge(chunked, "probe_http_uncompressed_body_length"), 11);
  const old = await against("HTTP/1.0 200 OK\r\n\r\nto the end");
  assert.equal(old.success, true);
  assert.equal(gauge(old, "probe_http_version"), 1);
  assert.equal(gauge(old, "probe_http_uncompressed_body_length"), 10);
  const strict = await against("HTTP/1.0 200 OK\r\n\r\nx", { valid_http_versions: ["HTTP/1.1"] });
  assert.equal(strict.detail, "HTTP/1.0 is not one of HTTP/1.1");
});

Deno.test("http probe skips 100 Continue and does not follow a redirect to another scheme", async () => {
  const cont = await against("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n");
  assert.equal(cont.success, true, cont.detail);
  assert.equal(gauge(cont, "probe_http_status_code"), 204);
  const ftp = await against("HTTP/1.1 301 Moved\r\nLocation: ftp://x/\r\n\r\n");
  assert.equal(ftp.detail, "redirect to ftp: is not followed");
});
