import assert from "node:assert/strict";
import { type AppDeps, createApp } from "../../src/http/app.ts";

function deps(over: Partial<AppDeps> = {}): AppDeps {
  return {
    metrics: () => Promise.resolve("up 1\n"),
    ready: () => true,
    reload: () => Promise.resolve({ ok: true }),
    targets: () => [{ address: "127.0.0.1:22" }],
    status: () => ({ version: "x" }),
    ...over,
  };
}

Deno.test("createApp() /readyz is 503 until the agent is ready, then 200", async () => {
  let ready = false;
  const app = createApp(deps({ ready: () => ready }));
  assert.equal((await app.request("/readyz")).status, 503);
  ready = true;
  assert.equal((await app.request("/readyz")).status, 200);
});

Deno.test("createApp() serves metrics as Prometheus text", async () => {
  const res = await createApp(deps()).request("/metrics");
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  assert.equal(await res.text(), "up 1\n");
});

Deno.test("createApp() answers 404 for unknown paths and 405 for wrong methods", async () => {
  const app = createApp(deps());
  assert.equal((await app.request("/nope")).status, 404);
  const res = await app.request("/metrics", { method: "DELETE" });
  assert.equal(res.status, 405);
  assert.equal(res.headers.get("allow"), "GET");
  assert.equal((await app.request("/-/reload")).status, 405);
});

Deno.test("createApp() POST /-/reload returns the reload result, 400 on error", async () => {
  const app = createApp(
    deps({ reload: () => Promise.resolve({ ok: false, error: "f.yaml:3:1: x: bad" }) }),
  );
  const res = await app.request("/-/reload", { method: "POST" });
  assert.equal(res.status, 400);
  assert.deepEqual(await res.json(), { ok: false, error: "f.yaml:3:1: x: bad" });
});

Deno.test("createApp() JSON APIs return what the agent reports", async () => {
  const app = createApp(deps());
  assert.deepEqual(await (await app.request("/api/v1/targets")).json(), [{
    address: "127.0.0.1:22",
  }]);
  assert.deepEqual(await (await app.request("/api/v1/status")).json(), { version: "x" });
});

Deno.test("createApp() turns a failing handler into a 500 without crashing", async () => {
  const app = createApp(deps({ metrics: () => Promise.reject(new Error("boom")) }));
  const res = await app.request("/metrics");
  assert.equal(res.status, 500);
  assert.equal(await res.text(), "Internal error: boom\n");
});

Deno.test("createApp() answers 503 with Retry-After when metrics() has no slot", async () => {
  const res = await createApp(deps({ metrics: () => Promise.resolve(null) })).request("/metrics");
  assert.equal(res.status, 503);
  assert.equal(res.headers.get("retry-after"), "1");
  assert.equal(await res.text(), "Too many concurrent scrapes; retry later\n");
});
