/**
 * Fuzzes the HTTP API with random methods, paths, query strings, headers and bodies (fixed seed,
 * bounded iterations), through `app.request()` on an app wired to the real scrape gate, shared
 * page and reloader over a real config file. Invariants: nothing throws out of the app, every
 * status is one the route can give (never a 500), every body reads to its end in time, and no
 * scrape slot leaks.
 */
import assert from "node:assert/strict";
import { createApp } from "../../src/http/app.ts";
import { createScrapeGate } from "../../src/http/scrape_gate.ts";
import { createSnapshotSource } from "../../src/http/scrape_snapshot.ts";
import { createReloader } from "../../src/config/reloader.ts";
import { loadConfig } from "../../src/config/load.ts";
import { Counter, Registry } from "../../src/base/prom.ts";
import { mulberry32, type Random } from "../_support/seeded_random.ts";

const SEED = 0x5eed_0013;
const ITERATIONS = 12_000;
const ROUTES: Record<string, string> = {
  "/metrics": "GET",
  "/healthz": "GET",
  "/readyz": "GET",
  "/-/reload": "POST",
  "/api/v1/targets": "GET",
  "/api/v1/status": "GET",
};
const GOOD = "probes: {tcp: {type: tcp, port: 22}}\n";
const BAD = "probes: {tcp: {type: tcp, port: 70000}}\n";

const METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "get", "Post", "FOO"];
const TCHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const PATH_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/%";

function pick<T>(r: Random, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)]!;
}
function text(r: Random, chars: string, max: number): string {
  const list = Array.from(chars);
  let s = "";
  for (let n = Math.floor(r() * max); n > 0; n--) s += pick(r, list);
  return s;
}

/** A random path: a known one, mangled or not, or junk. */
function randomPath(r: Random): string {
  const known = pick(r, Object.keys(ROUTES));
  switch (Math.floor(r() * 14)) {
    case 0:
      return "/" + text(r, PATH_CHARS, 40);
    case 1:
      return known + "/";
    case 2:
      return known.toUpperCase();
    case 3:
      return "/" + known;
    case 4:
      return known.replace(/[a-z]/, (c) => "%" + c.charCodeAt(0).toString(16));
    case 5:
      return known + "/" + "../".repeat(Math.floor(r() * 3)) + text(r, PATH_CHARS, 10);
    case 6:
      return "/" + "a".repeat(Math.floor(r() * 9000));
    default:
      return known;
  }
}

function randomQuery(r: Random): string {
  if (r() < 0.5) return "";
  const pairs = Array.from(
    { length: Math.floor(r() * 5) },
    () => `${text(r, PATH_CHARS, 8)}=${encodeURIComponent(text(r, "aé\u0000\u{1F600}%&=", 8))}`,
  );
  return "?" + pairs.join("&");
}

function randomHeaders(r: Random): Headers {
  const headers = new Headers();
  for (let n = Math.floor(r() * 6); n > 0; n--) {
    const name = r() < 0.3
      ? pick(r, ["content-type", "accept", "accept-encoding", "content-length", "x-forwarded-for"])
      : text(r, TCHARS, 20) || "x";
    const value = text(r, " !\"#$%&'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~\t", 200).trim();
    try {
      headers.append(name, value);
    } catch {
      // Not a header the Fetch API lets anyone send: nothing to fuzz.
    }
  }
  return headers;
}

function randomBody(r: Random): Uint8Array<ArrayBuffer> | undefined {
  if (r() < 0.4) return undefined;
  const block = Uint8Array.from({ length: Math.floor(r() * 4096) }, () => Math.floor(r() * 256));
  if (r() >= 0.02 || block.length === 0) return block;
  // Now and then 1 MiB: the random block repeated (drawing a million numbers would be slow).
  const big = new Uint8Array(1 << 20);
  for (let at = 0; at < big.length; at += block.length) {
    big.set(block.subarray(0, big.length - at), at);
  }
  return big;
}

function decodedPath(pathname: string): string {
  try {
    return decodeURI(pathname);
  } catch {
    return pathname;
  }
}

/** The statuses a route can answer, by what the fuzzer sent. */
function expectedStatuses(method: string, path: string): number[] {
  const route = ROUTES[path];
  if (!route) return [404];
  const m = method.toUpperCase() === "HEAD" ? "GET" : method.toUpperCase();
  if (m !== route) return [405];
  if (path === "/metrics" || path === "/readyz") return [200, 503];
  if (path === "/-/reload") return [200, 400];
  return [200];
}

Deno.test(`createApp() survives ${ITERATIONS} random requests (seed 0x${SEED.toString(16)})`, async () => {
  const dir = await Deno.makeTempDir();
  const configPath = `${dir}/vmprober.yaml`;
  await Deno.writeTextFile(configPath, GOOD);
  const registry = new Registry();
  const up = new Counter({ name: "fuzz_requests_total", help: "requests", registers: [registry] });
  const snapshots = createSnapshotSource({
    render: async () => [await registry.metrics(), 'probe_success{target="a"} 1\n'],
  });
  const gate = createScrapeGate({ snapshots, maxConcurrent: 4, timeoutMs: 30_000, registry });
  await using reloader = createReloader({
    configPath,
    watchFile: false,
    sighup: false,
    reload: async () => {
      await loadConfig(configPath);
      return { ok: true };
    },
  });
  let ready = false;
  const app = createApp({
    metrics: () => gate.open(),
    ready: () => ready,
    reload: () => reloader.trigger("api"),
    targets: () => [{ address: "127.0.0.1:22", labels: { 'a"b': "\u0000" } }],
    status: () => ({ version: "fuzz", ready }),
  });

  const r = mulberry32(SEED);
  const seen = new Map<number, number>();
  let fileIsGood = true;
  let skipped = 0;
  const t0 = performance.now();
  for (let i = 0; i < ITERATIONS; i++) {
    if (i % 500 === 0) {
      fileIsGood = r() < 0.5;
      await Deno.writeTextFile(configPath, fileIsGood ? GOOD : BAD);
    }
    ready = r() < 0.8;
    up.inc();
    const method = pick(r, METHODS);
    const url = `http://agent${randomPath(r)}${randomQuery(r)}`;
    const upper = method.toUpperCase();
    const body = upper === "GET" || upper === "HEAD" ? undefined : randomBody(r);
    let request: Request;
    try {
      request = new Request(url, { method, headers: randomHeaders(r), body });
    } catch {
      skipped++; // not a request the Fetch API can make (e.g. a URL it refuses)
      continue;
    }
    // Percent-encoded characters route like themselves (`/%68ealthz` is `/healthz`).
    const path = decodedPath(new URL(request.url).pathname);
    const what = `#${i} ${method} ${request.url.slice(0, 120)}`;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const res = await Promise.race([
      app.request(request),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no answer within 2 s`)), 2000);
      }),
    ]).finally(() => clearTimeout(timer));
    const answer = new Uint8Array(await res.arrayBuffer());
    seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
    const expected = expectedStatuses(method, path);
    assert.ok(expected.includes(res.status), `${what}: ${res.status}, expected ${expected}`);
    if (res.status === 405) assert.equal(res.headers.get("allow"), ROUTES[path], what);
    if (path === "/-/reload" && upper === "POST") {
      assert.equal(res.status, fileIsGood ? 200 : 400, what);
      if (!fileIsGood) assert.match(new TextDecoder().decode(answer), /vmprober\.yaml:1:\d+: /);
    }
    if (path === "/readyz" && expected.length > 1) assert.equal(res.status, ready ? 200 : 503);
    if (path === "/metrics" && expected.length > 1) {
      // Requests run one at a time: a slot is always free, and every page is whole.
      assert.equal(res.status, 200, what);
      if (upper === "GET") assert.match(new TextDecoder().decode(answer), /probe_success.* 1\n$/);
      else assert.equal(answer.length, 0, what);
    }
    assert.equal(gate.inFlight, 0, `${what}: a scrape slot leaked`);
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    `${ITERATIONS} requests (${skipped} refused by the Fetch API) in ${seconds.toFixed(1)} s:`,
    Object.fromEntries([...seen].sort()),
  );
  assert.ok(skipped < ITERATIONS / 10, `${skipped} skipped`);
  for (const status of [200, 400, 404, 405, 503]) assert.ok(seen.get(status)! > 0, `${status}`);
  await Deno.remove(dir, { recursive: true });
});
