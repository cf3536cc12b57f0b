import assert from "node:assert/strict";
import { closedPort } from "../_support/tcp_servers.ts";
import { sourceFailure as failure } from "../_support/source_failure.ts";
import { createHttpSource } from "../../src/targets/http_source.ts";
import { startSdHttpServer } from "../_support/sd_http_server.ts";
import { busyFilePool, within } from "../_support/busy_file_pool.ts";

const GOOD = JSON.stringify([{ targets: ["10.0.0.1", "db.example:5432"], labels: { dc: "fra" } }]);

Deno.test("http source loads http_sd JSON and sends headers and the bearer token", async () => {
  await using server = startSdHttpServer({ kind: "ok", body: GOOD });
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/token`, "s3cret\n");
  const source = createHttpSource({
    name: "cmdb",
    url: server.url,
    probes: ["icmp"],
    headers: { "X-Site": "fra1" },
    bearerTokenFile: `${dir}/token`,
    refreshMs: 30_000,
  });
  try {
    const groups = await source.load(new AbortController().signal);
    assert.deepEqual(groups, [{ targets: ["10.0.0.1", "db.example:5432"], labels: { dc: "fra" } }]);
    const h = server.requests[0]!;
    assert.equal(h.get("authorization"), "Bearer s3cret");
    assert.equal(h.get("x-site"), "fra1");
    assert.equal(h.get("accept"), "application/json");
    assert.equal(h.get("x-prometheus-refresh-interval-seconds"), "30");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("http source fails with reason http_status on a 500", async () => {
  await using server = startSdHttpServer({ kind: "status", status: 500 });
  const source = createHttpSource({ name: "s", url: server.url + "?token=x", probes: ["icmp"] });
  const e = await failure(source.load(new AbortController().signal));
  assert.equal(e.reason, "http_status");
  assert.equal(e.message, `${server.url}: HTTP 500`); // the query (a secret?) is left out
});

Deno.test("http source fails with reason format on garbage", async () => {
  await using server = startSdHttpServer({ kind: "garbage" });
  const source = createHttpSource({ name: "s", url: server.url, probes: ["icmp"] });
  const e = await failure(source.load(new AbortController().signal));
  assert.equal(e.reason, "format");
  assert.match(e.message, /: invalid JSON: Unexpected token '<'/);
});

Deno.test("http source rejects a 20 MiB body by its Content-Length without reading it", async () => {
  await using server = startSdHttpServer({
    kind: "huge",
    bytes: 20 * 1024 ** 2,
    contentLength: true,
  });
  const source = createHttpSource({ name: "s", url: server.url, probes: ["icmp"] });
  const e = await failure(source.load(new AbortController().signal));
  assert.equal(e.reason, "too_large");
  assert.equal(e.message, `${server.url}: body of 20971520 bytes exceeds the limit of 10485760`);
});

Deno.test("http source stops reading a chunked 20 MiB body at the 10 MiB limit", async () => {
  await using server = startSdHttpServer({
    kind: "huge",
    bytes: 20 * 1024 ** 2,
    contentLength: false,
  });
  const source = createHttpSource({ name: "s", url: server.url, probes: ["icmp"] });
  const e = await failure(source.load(new AbortController().signal));
  assert.equal(e.reason, "too_large");
  assert.equal(e.message, `${server.url}: body exceeds the limit of 10485760 bytes`);
  assert.ok(server.hugePulled < 20 * 1024 ** 2, `server produced ${server.hugePulled} bytes`);
});

Deno.test("http source times out on a server that never answers", async () => {
  await using server = startSdHttpServer({ kind: "hang" });
  const source = createHttpSource({ name: "s", url: server.url, probes: ["icmp"], timeoutMs: 200 });
  const e = await failure(source.load(new AbortController().signal));
  assert.equal(e.reason, "timeout");
  assert.equal(e.message, `${server.url}: no answer in 200 ms`);
});

Deno.test("http source fails with reason network when nothing listens", async () => {
  const port = closedPort();
  const source = createHttpSource({
    name: "s",
    url: `http://127.0.0.1:${port}/sd`,
    probes: ["icmp"],
  });
  const e = await failure(source.load(new AbortController().signal));
  assert.equal(e.reason, "network");
  assert.match(e.message, new RegExp(`^http://127.0.0.1:${port}/sd: .*`));
});

Deno.test("http source fails with reason io when the bearer token file is missing", async () => {
  await using server = startSdHttpServer({ kind: "ok", body: GOOD });
  const source = createHttpSource({
    name: "s",
    url: server.url,
    probes: ["icmp"],
    bearerTokenFile: "/nonexistent/token",
  });
  const e = await failure(source.load(new AbortController().signal));
  assert.equal(e.reason, "io");
  assert.equal(e.message, "cannot read bearer_token_file: no such file");
  assert.equal(server.requests.length, 0);
});

Deno.test("http source enforces max_targets", async () => {
  await using server = startSdHttpServer({ kind: "ok", body: GOOD });
  const source = createHttpSource({ name: "s", url: server.url, probes: ["icmp"], maxTargets: 1 });
  const e = await failure(source.load(new AbortController().signal));
  assert.equal(e.reason, "too_many_targets");
  assert.equal(e.message, `${server.url}: more than 1 targets`);
});

Deno.test("http source reads the bearer token file while every file thread is busy", async () => {
  await using server = startSdHttpServer({ kind: "ok", body: GOOD });
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/token`, "s3cret\n");
    await using _pool = await busyFilePool(dir);
    const source = createHttpSource({
      name: "s",
      url: server.url,
      probes: ["icmp"],
      bearerTokenFile: `${dir}/token`,
    });
    const groups = await within("the http source load", source.load(new AbortController().signal));
    assert.equal(groups[0]?.targets.length, 2);
    assert.equal(server.requests[0]!.get("authorization"), "Bearer s3cret");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
