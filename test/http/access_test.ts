import assert from "node:assert/strict";
import { Hono } from "hono";
import { Registry } from "../../src/base/prom.ts";
import { accessGuard, decide, isLoopback } from "../../src/http/access.ts";
import { createBasicAuth } from "../../src/http/basic_auth.ts";

Deno.test("isLoopback() accepts 127.0.0.0/8, ::1 and mapped 127.x only", () => {
  for (const h of ["127.0.0.1", "127.9.8.7", "::1", "[::1]", "::ffff:127.0.0.1"]) {
    assert.equal(isLoopback(h), true, h);
  }
  for (
    const h of ["198.18.1.2", "10.0.0.1", "::ffff:10.0.0.1", "fe80::1", "unknown", "128.0.0.1"]
  ) {
    assert.equal(isLoopback(h), false, h);
  }
});

Deno.test("decide() without users: reload and /probe need a loopback peer, the rest is open", async () => {
  assert.deepEqual(await decide({ path: "/-/reload", peer: "127.0.0.1" }, undefined), {
    allow: true,
  });
  assert.deepEqual(await decide({ path: "/metrics", peer: "10.1.2.3" }, undefined), {
    allow: true,
  });
  for (const path of ["/-/reload", "/probe"]) {
    const d = await decide({ path, peer: "10.1.2.3" }, undefined);
    assert.equal(d.allow, false);
    if (!d.allow) {
      assert.equal(d.status, 403);
      assert.equal(
        d.message,
        `Forbidden: ${path} is allowed from loopback only unless authenticated ` +
          "(peer 10.1.2.3; set basic_auth_users in the web config to allow it)",
      );
    }
  }
});

Deno.test("accessGuard() with users: 401 with WWW-Authenticate, 429 past the bound, counted", async () => {
  const registry = new Registry();
  let release!: () => void;
  const auth = createBasicAuth(new Map([["u", "h"]]), {
    maxConcurrent: 1,
    compare: (p) => new Promise((r) => (release = () => r(p === "pw"))),
  });
  const app = new Hono();
  app.use("*", accessGuard(auth, registry));
  app.post("/-/reload", (c) => c.text("reloaded"));
  const env = { remoteAddr: { hostname: "10.1.2.3" } };
  const none = await app.request("/-/reload", { method: "POST" }, env);
  assert.equal(none.status, 401);
  assert.equal(none.headers.get("WWW-Authenticate"), 'Basic realm="vmprober", charset="UTF-8"');
  const headers = { Authorization: `Basic ${btoa("u:pw")}` };
  const first = app.request("/-/reload", { method: "POST", headers }, env);
  const second = await app.request("/-/reload", { method: "POST", headers }, env);
  assert.equal(second.status, 429);
  assert.equal(second.headers.get("Retry-After"), "1");
  release();
  const ok = await first;
  assert.equal(ok.status, 200);
  assert.equal(await ok.text(), "reloaded");
  const text = await registry.metrics();
  assert.match(text, /vmprober_http_requests_refused_total\{reason="missing"\} 1/);
  assert.match(text, /vmprober_http_requests_refused_total\{reason="throttled"\} 1/);
  assert.match(text, /vmprober_http_requests_refused_total\{reason="not_loopback"\} 0/);
});
