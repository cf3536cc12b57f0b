/**
 * The status page in a real headless Chromium, served by the real agent process (the bundle, with
 * the binary's flags) probing loopback peers: the table lists every job, the filter form and the
 * status pills narrow it through the query string, a target's page draws one SVG point per run,
 * the inline script refreshes the parts without a reload, and the page works without JavaScript.
 * Screenshots land in test-artifacts/.
 */
import assert from "node:assert/strict";
import { metricValue, startAgentProcess, waitFor, writeConfig } from "../_support/agent_process.ts";
import { closedPort, tcpPeer } from "../_support/tcp_servers.ts";
import { testBundle } from "../_support/bundle_cli.ts";
import { ARTIFACTS, launchBrowser } from "../_support/browser.ts";
import { tempDirUntilExit } from "../_support/temp_dir.ts";

/** Runs of one job so far, from `vmprober_probes_total` over every result. */
function runs(metrics: string, probe: string, target: string): number {
  let n = 0;
  for (
    const result of ["success", "timeout", "refused", "unreachable", "dns", "mismatch", "error"]
  ) {
    n += metricValue(metrics, "vmprober_probes_total", { probe, target, result }) ?? 0;
  }
  return n;
}

Deno.test({
  name:
    "status page in Chromium: lists, filters, opens a target, counts SVG points, refreshes live",
  async fn() {
    await using web = tcpPeer((c) => c.close());
    await using db = tcpPeer((c) => c.close());
    const closed = closedPort();
    const config = await writeConfig(`
agent:
  listen: 127.0.0.1:0
  labels: {site: lab1, host: edge-7}
  log: {format: text}
  history: {window: 40s, step: 1s, results: 10}
defaults: {interval: 2s, timeout: 500ms}
probes:
  tcp: {type: tcp}
  icmp: {type: icmp, count: 5, packet_interval: 20ms, interval: 1s}
targets:
  - name: web
    static: {targets: ["127.0.0.1:${web.port}"], labels: {role: web}}
    probes: [tcp]
  - name: db
    static: {targets: ["127.0.0.1:${db.port}", "127.0.0.1:${closed}"], labels: {role: db}}
    probes: [tcp]
  - name: routers
    static: {targets: ["127.0.0.1"], labels: {role: router}}
    probes: [icmp]
wal: {dir: ${await tempDirUntilExit()}}
`);
    const { file } = await testBundle();
    await using agent = await startAgentProcess(config, { entry: file });
    const up = `127.0.0.1:${web.port}`;
    await waitFor("3 runs of the web target", async () => {
      const m = await agent.metrics();
      return runs(m, "tcp", up) >= 3 && runs(m, "icmp", "127.0.0.1") >= 5 ? true : undefined;
    });
    await Deno.mkdir(ARTIFACTS, { recursive: true });

    await using browser = await launchBrowser();
    const page = browser.context.pages()[0] ?? await browser.context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${agent.url}/`);
    assert.equal(await page.title(), "vmprober status");
    const rows = page.locator("#targets-table tbody tr");
    assert.equal(await rows.count(), 4);
    const listed = await page.locator("#targets-table tbody tr td:first-child a").allTextContents();
    assert.deepEqual(
      listed.sort(),
      ["127.0.0.1", `127.0.0.1:${closed}`, `127.0.0.1:${db.port}`, up].sort(),
    );
    assert.equal(
      await page.locator(`tr[data-key="tcp|127.0.0.1:${closed}"]`).getAttribute("data-status"),
      "down",
    );
    assert.equal(
      await page.locator(`tr[data-key="tcp|127.0.0.1:${closed}"] td.reason`).textContent(),
      "refused",
    );
    assert.equal(await page.locator("#card-config").getAttribute("data-level"), "ok");
    assert.equal(await page.locator("#card-push").getAttribute("data-level"), "off");
    assert.match(await page.locator("#card-agent").textContent() ?? "", /site=lab1/);
    await page.screenshot({ path: `${ARTIFACTS}status_index.png`, fullPage: true });

    // Filter by text through the form, then by status through a pill: both end up in the URL.
    await page.fill('input[name="q"]', "role=db");
    await Promise.all([page.waitForURL(/\?q=role%3Ddb$/), page.click("form.filter button")]);
    assert.equal(await rows.count(), 2);
    await Promise.all([page.waitForURL(/status=down/), page.click('.pills a[data-status="down"]')]);
    assert.equal(await rows.count(), 1);
    assert.equal(new URL(page.url()).search, "?q=role%3Ddb&status=down");
    assert.equal(await rows.first().getAttribute("data-key"), `tcp|127.0.0.1:${closed}`);
    // Sorting by a column header keeps the filter.
    await Promise.all([page.waitForURL(/sort=target/), page.click('th a[data-sort="target"]')]);
    assert.equal(new URL(page.url()).search, "?q=role%3Ddb&status=down&sort=target");

    // Typing filters as you type (no submit): the rows and the URL follow.
    await page.goto(`${agent.url}/?status=up`);
    await page.locator('input[name="q"]').pressSequentially("role=web");
    await page.waitForURL(/\?q=role%3Dweb&status=up$/);
    await page.waitForFunction(`document.querySelectorAll("#targets-table tbody tr").length === 1`);
    assert.equal(await rows.first().getAttribute("data-key"), `tcp|${up}`);
    assert.match(
      await page.locator('.pills a[data-status="all"]').getAttribute("href") ?? "",
      /q=role%3Dweb/,
    );

    // Open the healthy target: one SVG point per run so far (a 1 s step, runs every 2 s).
    await page.goto(`${agent.url}/?q=role%3Dweb`);
    let counted: { before: number; points: number } | undefined;
    for (let attempt = 0; attempt < 5 && !counted; attempt++) {
      const before = runs(await agent.metrics(), "tcp", up);
      await Promise.all([page.waitForURL(/\/target\?/), page.click(`a:text-is("${up}")`)]);
      const points = await page.locator("svg.history g.pt").count();
      const after = runs(await agent.metrics(), "tcp", up);
      if (before === after) counted = { before, points };
      else await page.goBack();
    }
    assert.ok(counted, "a page load between two runs");
    assert.equal(counted.points, counted.before);
    assert.equal(
      await page.locator("svg.history").getAttribute("data-points"),
      String(counted.before),
    );
    assert.equal(await page.locator("svg.history g.pt.lost").count(), 0);
    assert.equal(
      await page.locator("#results-table tbody tr").count(),
      Math.min(10, counted.before),
    );

    // The script swaps the parts in place: more points appear while the document stays the same.
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));
    await page.waitForFunction(
      `document.querySelectorAll("svg.history g.pt").length > ${counted.before}`,
      undefined,
      { timeout: 15_000 },
    );
    assert.equal(
      await page.evaluate(() => (globalThis as unknown as { marker: number }).marker),
      42,
    );
    assert.match(await page.locator("#stamp").textContent() ?? "", /^updated /);

    // The closed port's page: every point a red loss column.
    await page.goto(`${agent.url}/target?probe=tcp&target=127.0.0.1:${closed}`);
    const lost = await page.locator("svg.history g.pt.lost").count();
    assert.ok(lost >= 3);
    assert.equal(await page.locator("svg.history g.pt").count(), lost);

    await page.goto(`${agent.url}/target?probe=icmp&target=127.0.0.1`);
    assert.ok(await page.locator("svg.history g.pt").count() >= 5);
    await page.screenshot({ path: `${ARTIFACTS}status_target.png`, fullPage: true });
    assert.deepEqual(errors, []);
  },
});

Deno.test({
  name: "status page in Chromium without JavaScript: table, filter and target page still work",
  async fn() {
    await using web = tcpPeer((c) => c.close());
    const config = await writeConfig(`
agent: {listen: "127.0.0.1:0", log: {format: text}, history: {window: 1m, step: 1s}}
defaults: {interval: 1s, timeout: 500ms}
probes: {tcp: {type: tcp}}
targets:
  - static: {targets: ["127.0.0.1:${web.port}", "localhost:${web.port}"]}
    probes: [tcp]
wal: {dir: ${await tempDirUntilExit()}}
`);
    await using agent = await startAgentProcess(config);
    await waitFor(
      "a run",
      async () => runs(await agent.metrics(), "tcp", `localhost:${web.port}`) > 0 || undefined,
    );
    await using browser = await launchBrowser({ javaScriptEnabled: false });
    const page = browser.context.pages()[0] ?? await browser.context.newPage();
    await page.goto(`${agent.url}/`);
    assert.equal(await page.locator("#targets-table tbody tr").count(), 2);
    await page.fill('input[name="q"]', "localhost");
    await Promise.all([page.waitForURL(/\?q=localhost$/), page.press('input[name="q"]', "Enter")]);
    assert.equal(await page.locator("#targets-table tbody tr").count(), 1);
    await Promise.all([
      page.waitForURL(/\/target\?/),
      page.click(`a:text-is("localhost:${web.port}")`),
    ]);
    assert.ok(await page.locator("svg.history g.pt").count() >= 1);
  },
});
