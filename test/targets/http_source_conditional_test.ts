import assert from "node:assert/strict";
import { createHttpSource } from "../../src/targets/http_source.ts";
import { buildSources } from "../../src/targets/build_sources.ts";
import { parseConfig } from "../../src/config/parse.ts";
import { Registry } from "../../src/base/prom.ts";
import { SourceError } from "../../src/targets/source_error.ts";
import { startSdConditionalServer } from "../_support/sd_conditional_server.ts";

const A = JSON.stringify([{ targets: ["10.0.0.1"], labels: { a: "1" } }]);
const B = JSON.stringify([{ targets: ["10.0.0.2"], labels: {} }]);
const signal = new AbortController().signal;

Deno.test("http source sends If-None-Match and If-Modified-Since from the last answer; 304 keeps its targets", async () => {
  await using sd = startSdConditionalServer(A);
  let notModified = 0;
  const src = createHttpSource({
    name: "h",
    url: `${sd.url}/sd`,
    probes: ["icmp"],
    onNotModified: () => notModified++,
  });
  const first = await src.load(signal);
  assert.deepEqual(first, [{ targets: ["10.0.0.1"], labels: { a: "1" } }]);
  assert.equal(sd.requests[0]!.headers.get("if-none-match"), null);
  assert.equal(sd.requests[0]!.headers.get("if-modified-since"), null);

  assert.deepEqual(await src.load(signal), first);
  assert.equal(sd.requests[1]!.headers.get("if-none-match"), '"v1"');
  assert.equal(sd.requests[1]!.headers.get("if-modified-since"), "Thu, 01 Jan 2026 00:00:01 GMT");
  assert.equal(sd.requests[1]!.status, 304);
  assert.equal(notModified, 1);

  sd.body = B;
  assert.deepEqual(await src.load(signal), [{ targets: ["10.0.0.2"], labels: {} }]);
  assert.equal(sd.requests[2]!.status, 200);
  assert.equal(notModified, 1);
  await src.load(signal);
  assert.equal(sd.requests[3]!.headers.get("if-none-match"), '"v2"');
  assert.equal(sd.requests[3]!.status, 304);
  assert.equal(notModified, 2);
});

Deno.test("http source sends only If-Modified-Since when the server gave no ETag", async () => {
  await using sd = startSdConditionalServer(A);
  sd.validators = { etag: false, lastModified: true };
  const src = createHttpSource({ name: "h", url: `${sd.url}/sd`, probes: ["icmp"] });
  await src.load(signal);
  await src.load(signal);
  assert.equal(sd.requests[1]!.headers.get("if-none-match"), null);
  assert.equal(sd.requests[1]!.headers.get("if-modified-since"), "Thu, 01 Jan 2026 00:00:01 GMT");
  assert.equal(sd.requests[1]!.status, 304);
});

Deno.test("http source sends no conditional headers to a server without validators", async () => {
  await using sd = startSdConditionalServer(A);
  sd.validators = { etag: false, lastModified: false };
  const src = createHttpSource({ name: "h", url: `${sd.url}/sd`, probes: ["icmp"] });
  await src.load(signal);
  await src.load(signal);
  assert.equal(sd.requests[1]!.headers.get("if-none-match"), null);
  assert.equal(sd.requests[1]!.headers.get("if-modified-since"), null);
  assert.equal(sd.requests[1]!.status, 200);
});

Deno.test("http source fails with http_status on a 304 it never asked for (no earlier answer)", async () => {
  await using sd = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response(null, { status: 304 }),
  );
  const url = `http://127.0.0.1:${sd.addr.port}/sd`;
  const src = createHttpSource({ name: "h", url, probes: ["icmp"] });
  await assert.rejects(src.load(signal), (e) => {
    assert.ok(e instanceof SourceError);
    assert.equal(e.reason, "http_status");
    assert.match(e.message, /HTTP 304$/);
    return true;
  });
});

Deno.test("buildSources() expands ${hostname} and ${label:site} URL-encoded; the server sees the path", async () => {
  await using sd = startSdConditionalServer(A);
  const config = parseConfig(
    [
      "agent: {labels: {site: fra 1/a, rack: r7}}",
      "probes: {icmp: {type: icmp}}",
      "targets:",
      `  - http: {url: "${sd.url}/sd/\${hostname}/list?site=\${label:site}&rack=\${label:rack}"}`,
      "    probes: [icmp]",
    ].join("\n"),
    "c.yaml",
  );
  const registry = new Registry();
  const [src] = buildSources(config, { configDir: "/", registry, hostname: "edge-7.example" });
  await src!.load(signal);
  await src!.load(signal);
  assert.equal(sd.requests[0]!.path, "/sd/edge-7.example/list?site=fra%201%2Fa&rack=r7");
  assert.equal(sd.requests[1]!.status, 304);
  const text = await registry.metrics();
  assert.match(text, /^vmprober_sd_http_not_modified_total\{source="http_0"\} 1$/m);
});

Deno.test("buildSources() uses the machine's host name by default", async () => {
  await using sd = startSdConditionalServer(A);
  const config = parseConfig(
    `probes: {icmp: {type: icmp}}\ntargets:\n  - http: {url: "${sd.url}/\${hostname}"}\n    probes: [icmp]\n`,
    "c.yaml",
  );
  const [src] = buildSources(config, { configDir: "/" });
  await src!.load(signal);
  assert.equal(sd.requests[0]!.path, `/${encodeURIComponent(Deno.hostname())}`);
});

Deno.test("parseConfig() rejects an unknown placeholder or label in an http source URL at file:line:col", () => {
  const text = (url: string) =>
    `agent: {labels: {site: a}}\nprobes: {icmp: {type: icmp}}\ntargets:\n  - http: {url: "${url}"}\n    probes: [icmp]\n`;
  const message = (url: string) => {
    try {
      parseConfig(text(url), "c.yaml");
    } catch (e) {
      return (e as Error).message;
    }
    return "no error";
  };
  assert.equal(
    message("http://sd/${host}"),
    "c.yaml:4:17: targets.0.http.url: unknown placeholder ${host}: expected ${hostname} or ${label:NAME}",
  );
  assert.equal(
    message("http://sd/?r=${label:region}"),
    'c.yaml:4:17: targets.0.http.url: unknown label "region" in placeholder ${label:region}: expected one of agent.labels (site)',
  );
  assert.equal(
    message("http://sd/${hostname"),
    "c.yaml:4:17: targets.0.http.url: expected a closing } for the placeholder at character 11",
  );
});

Deno.test("buildSources() gives a templated source a new fingerprint when its label changes", () => {
  const make = (site: string) =>
    buildSources(
      parseConfig(
        `agent: {labels: {site: ${site}}}\nprobes: {icmp: {type: icmp}}\ntargets:\n  - http: {url: "http://127.0.0.1:1/\${label:site}"}\n    probes: [icmp]\n`,
        "c.yaml",
      ),
      { configDir: "/", hostname: "h" },
    )[0]!.fingerprint;
  assert.equal(make("a"), make("a"));
  assert.notEqual(make("a"), make("b"));
});
