import assert from "node:assert/strict";
import { createPushClient, type PushConfig } from "../../src/push/client.ts";
import { pushTestConfig } from "../_support/push_config.ts";
import { systemClock } from "../../src/base/clock.ts";
import { startPushServer } from "../_support/push_server.ts";
import { closedPort } from "../_support/tcp_servers.ts";
import { caSignedCert } from "../_support/self_signed_cert.ts";

function config(url: string, more: Partial<PushConfig> = {}): PushConfig {
  return pushTestConfig(url, {
    batch: { max_samples: 10_000, max_bytes: 1 << 20 },
    max_backoff: 30_000,
    min_backoff: 250,
    timeout: 30_000,
    ...more,
  });
}

const files = (map: Record<string, string>) => (path: string) =>
  path in map ? Promise.resolve(map[path]!) : Promise.reject(new Deno.errors.NotFound(path));

Deno.test("createPushClient() sends basic auth from password_file without its newline", async () => {
  await using server = startPushServer();
  await using client = await createPushClient(
    config(server.url, { basic_auth: { username: "agent", password_file: "/pw" } }),
    { clock: systemClock, readTextFile: files({ "/pw": "s3cret\n" }) },
  );
  const outcome = await client.send(new Uint8Array([0]));
  assert.deepEqual(outcome, { kind: "status", status: 204, body: "" });
  assert.equal(server.requests[0]!.headers.authorization, "Basic " + btoa("agent:s3cret"));
});

Deno.test("createPushClient() sends a bearer token from bearer_token_file", async () => {
  await using server = startPushServer();
  await using client = await createPushClient(
    config(server.url, { bearer_token_file: "/tok" }),
    { clock: systemClock, readTextFile: files({ "/tok": "abc.def\n" }) },
  );
  await client.send(new Uint8Array([0]));
  assert.equal(server.requests[0]!.headers.authorization, "Bearer abc.def");
});

Deno.test("createPushClient() names a missing secret file but not its content", async () => {
  await assert.rejects(
    createPushClient(
      config("http://127.0.0.1:1/api/v1/write", {
        basic_auth: { username: "u", password_file: "/nope" },
      }),
      { clock: systemClock, readTextFile: files({}) },
    ),
    new Error("Cannot read push password_file /nope: no such file"),
  );
});

Deno.test("createPushClient() moves URL credentials into a header and hides them", async () => {
  await using server = startPushServer();
  const withCreds = server.url.replace("http://", "http://bob:hunter2@");
  await using client = await createPushClient(config(withCreds), { clock: systemClock });
  assert.equal(client.safeUrl, server.url);
  await client.send(new Uint8Array([0]));
  assert.equal(server.requests[0]!.headers.authorization, "Basic " + btoa("bob:hunter2"));
});

Deno.test("createPushClient() refuses tls_insecure_skip_verify with a clear error", async () => {
  await assert.rejects(
    createPushClient(config("https://127.0.0.1:1/", { tls_insecure_skip_verify: true }), {
      clock: systemClock,
    }),
    /tls_insecure_skip_verify is not supported by Deno's HTTP client/,
  );
});

Deno.test("PushClient.send() reports a refused connection as a network outcome", async () => {
  const port = closedPort();
  await using client = await createPushClient(config(`http://127.0.0.1:${port}/api/v1/write`), {
    clock: systemClock,
  });
  const outcome = await client.send(new Uint8Array([0]));
  assert.equal(outcome.kind, "network");
});

Deno.test("PushClient.send() truncates a huge response body and reads Retry-After", async () => {
  await using server = startPushServer([{
    status: 503,
    body: "x".repeat(100_000),
    headers: { "Retry-After": "3" },
  }]);
  await using client = await createPushClient(config(server.url), { clock: systemClock });
  const outcome = await client.send(new Uint8Array([0]));
  assert.equal(outcome.kind, "status");
  if (outcome.kind !== "status") return;
  assert.equal(outcome.status, 503);
  assert.equal(outcome.body, "x".repeat(1024));
  assert.equal(outcome.retryAfterMs, 3000);
});

Deno.test("PushClient.send() rethrows the caller's abort", async () => {
  await using server = startPushServer(["hang"]);
  await using client = await createPushClient(config(server.url), { clock: systemClock });
  const ctrl = new AbortController();
  const sending = client.send(new Uint8Array([0]), ctrl.signal);
  while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 1));
  ctrl.abort(new Error("stop"));
  await assert.rejects(sending, new Error("stop"));
});

Deno.test("createPushClient() trusts the CA in tls_ca_file for an https URL", async () => {
  const dir = await Deno.makeTempDir({ prefix: "push_tls_" });
  try {
    const { cert, key, caFile } = await caSignedCert(dir, 1);
    const seen: string[] = [];
    await using server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      cert,
      key,
      onListen() {},
    }, async (req) => {
      seen.push(req.headers.get("content-encoding") ?? "");
      await req.arrayBuffer();
      return new Response(null, { status: 204 });
    });
    const url = `https://127.0.0.1:${server.addr.port}/api/v1/write`;
    await using trusting = await createPushClient(
      config(url, { tls_ca_file: caFile }),
      { clock: systemClock },
    );
    assert.deepEqual(await trusting.send(new Uint8Array([0])), {
      kind: "status",
      status: 204,
      body: "",
    });
    await using plain = await createPushClient(config(url), { clock: systemClock });
    const refused = await plain.send(new Uint8Array([0]));
    assert.equal(refused.kind, "network");
    assert.deepEqual(seen, ["snappy"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
