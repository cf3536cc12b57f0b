import assert from "node:assert/strict";
import { NOW, statusFixture } from "../../_support/status_fixture.ts";

const get = async (
  app: { request(p: string, i?: RequestInit): Response | Promise<Response> },
  path: string,
) => {
  const res = await app.request(path);
  return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
};
const attr = (html: string, name: string) => Number(new RegExp(`${name}="(\\d+)"`).exec(html)?.[1]);
const rowStatuses = (html: string) =>
  [...html.matchAll(/<tr data-key="[^"]*" data-status="(\w+)"/g)].map((m) => m[1]);

Deno.test("GET / shows 10,000 jobs 100 to a page, down first", async () => {
  const { app } = statusFixture({ jobs: 10_000 });
  const r = await get(app, "/");
  assert.equal(r.status, 200);
  assert.equal(r.type, "text/html; charset=UTF-8");
  assert.ok(r.text.startsWith("<!DOCTYPE html><html"));
  assert.equal(attr(r.text, "data-rows"), 100);
  assert.equal(attr(r.text, "data-matched"), 10_000);
  assert.match(r.text, /1–100 of 10,000/);
  assert.match(r.text, /page 1 of 100/);
  const down = Math.floor((10_000 - 3 - 1) / 7) + 1; // i % 7 === 3
  assert.match(r.text, new RegExp(`data-count="down">${down.toLocaleString("en")}<`));
  assert.deepEqual(new Set(rowStatuses(r.text)), new Set(["down"]));
  assert.ok(!/https?:\/\/(?!127\.)/.test(r.text.replace(/href="\/[^"]*"/g, "")), "no external URL");
});

Deno.test("GET / filters by words (all must match) and by status, sorts and pages", async () => {
  const { app } = statusFixture({ jobs: 1000 });
  const icmpDc1 = await get(app, "/?q=ICMP+site%3Ddc1&per=1000");
  // ICMP: i % 10 === 0; dc1: i % 4 === 1 — never both (i even vs odd).
  assert.equal(attr(icmpDc1.text, "data-matched"), 0);
  assert.match(icmpDc1.text, /No target matches/);
  const icmpDc2 = await get(app, "/?q=icmp%20dc2&per=1000");
  assert.equal(attr(icmpDc2.text, "data-matched"), 50); // i % 20 === 10 → 0..999: 50
  const up = await get(app, "/?status=up&per=1000");
  assert.equal(attr(up.text, "data-matched"), 1000 - 143);
  assert.deepEqual(new Set(rowStatuses(up.text)), new Set(["up"]));
  const byTarget = await get(app, "/?sort=target&order=desc&per=3&status=up");
  const targets = [...byTarget.text.matchAll(/<a href="\/target\?probe=[^"]*">([^<]+)<\/a>/g)].map((
    m,
  ) => m[1]);
  assert.deepEqual(targets, [
    "host-999.example:443",
    "host-998.example:443",
    "host-996.example:443",
  ]);
  const lossy = await get(app, "/?sort=loss&order=desc&status=up&per=1");
  assert.match(lossy.text, /<td class="n">33 %<\/td>/);
  const last = await get(app, "/?page=99999&per=300");
  assert.match(last.text, /page 4 of 4/);
  assert.equal(attr(last.text, "data-rows"), 100);
});

Deno.test("GET / ignores garbage in the query string and escapes hostile labels", async () => {
  const { app } = statusFixture({
    jobs: 5,
    firstLabels: { evil: `<script>alert(1)</script>"'&` },
  });
  const r = await get(
    app,
    "/?per=-5&page=abc&sort=%3Cscript%3E&status=zzz&order=sideways&q=" + "x".repeat(5000),
  );
  assert.equal(r.status, 200);
  assert.equal(attr(r.text, "data-matched"), 0); // 200 "x": nothing matches
  assert.match(r.text, new RegExp(`value="${"x".repeat(200)}"`));
  const ok = await get(app, "/?q=evil");
  assert.ok(!ok.text.includes("<script>alert"), "label value must be escaped");
  assert.ok(ok.text.includes("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"));
});

Deno.test("GET /target draws one SVG point per step of the window and the last 10 results", async () => {
  const { app } = statusFixture({ jobs: 40 });
  const r = await get(app, "/target?probe=icmp&target=10.0.0.30");
  assert.equal(r.status, 200);
  assert.equal(attr(r.text, "data-points"), 60);
  assert.equal([...r.text.matchAll(/<g class="pt"/g)].length, 60);
  assert.equal(attr(r.text, "data-rows"), 10);
  assert.match(r.text, /data-loss="0.333"/); // 1 of 3 lost: orange-ish, not green
  const down = await get(app, "/target?probe=tcp_https&target=host-3.example:443");
  assert.equal([...down.text.matchAll(/<g class="pt lost"/g)].length, 60);
  assert.match(down.text, /<tr data-result="timeout">/);
  assert.match(down.text, /no reply in 5s/);
});

Deno.test("GET /target answers 404 for a job that is not scheduled", async () => {
  const { app } = statusFixture({ jobs: 3 });
  assert.equal((await get(app, "/target?probe=icmp&target=10.9.9.9")).status, 404);
  assert.equal((await get(app, "/target")).status, 404);
  const parts = await app.request("/parts/target?probe=x&target=y");
  assert.equal(parts.status, 404);
  assert.deepEqual(await parts.json(), { error: "no such target" });
});

Deno.test("GET /parts/index and /parts/target return the page's parts as HTML by element id", async () => {
  const { app, write } = statusFixture({ jobs: 20, pending: 1 });
  const index = await (await app.request("/parts/index?status=pending")).json();
  assert.deepEqual(Object.keys(index), ["overview", "targets"]);
  assert.match(index.targets, /data-matched="1"/);
  assert.match(index.overview, /id="card-targets"/);
  write([{
    key: "icmp|10.0.0.0",
    timestampMs: NOW - 1000,
    target: "10.0.0.0",
    probe: "icmp",
    type: "icmp",
    labels: {},
    attempts: 1,
    success: false,
    reason: "unreachable",
    durationSeconds: 0.001,
  }]);
  const after = await (await app.request("/parts/index?status=pending")).json();
  assert.match(after.targets, /data-matched="0"/);
  const target = await (await app.request("/parts/target?probe=icmp&target=10.0.0.0")).json();
  assert.deepEqual(Object.keys(target), ["summary", "history", "results"]);
  assert.match(target.history, /data-points="1"/);
  assert.match(target.results, /data-result="unreachable"/);
});

Deno.test("the status page answers 405 with Allow: GET to other methods", async () => {
  const { app } = statusFixture({ jobs: 1 });
  for (const path of ["/", "/target", "/parts/index"]) {
    const res = await app.request(path, { method: "POST" });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get("allow"), "GET");
  }
  assert.equal((await app.request("/metrics")).status, 200);
  assert.equal((await app.request("/nope")).status, 404);
});

Deno.test("GET /target shows a result with a broken timestamp instead of failing", async () => {
  const { app, write } = statusFixture({ jobs: 1, fill: false });
  write([{
    key: "icmp|10.0.0.0",
    timestampMs: NaN,
    target: "10.0.0.0",
    probe: "icmp",
    type: "icmp",
    labels: {},
    attempts: 1,
    success: true,
    durationSeconds: 0.001,
  }]);
  const r = await get(app, "/target?probe=icmp&target=10.0.0.0");
  assert.equal(r.status, 200);
  assert.match(r.text, /<tr data-result="success"><td>–<\/td>/);
  const index = await get(app, "/");
  assert.equal(index.status, 200);
  assert.match(index.text, /<td class="n mute">–<\/td><\/tr>/);
  assert.ok(!index.text.includes("NaN"));
});

Deno.test("GET /?sort=rtt orders by the last RTT (ICMP median, TCP connect), failures last", async () => {
  const { app } = statusFixture({ jobs: 1000 });
  const first = (html: string) => /<tr data-key="([^"]+)"/.exec(html)?.[1];
  const asc = await get(app, "/?sort=rtt&per=1");
  assert.equal(first(asc.text), "icmp|10.0.0.0");
  assert.match(asc.text, /<td class="n">500 µs<\/td>/);
  const desc = await get(app, "/?sort=rtt&order=desc&per=1");
  assert.equal(first(desc.text), "icmp|10.0.0.90"); // 90 % 13 === 12: the largest RTT, 1.7 ms
  assert.match(desc.text, /<td class="n">1.7 ms<\/td>/);
  const last = await get(app, "/?sort=rtt&order=desc&page=10");
  assert.deepEqual(new Set(rowStatuses(last.text)), new Set(["down"]));
});
