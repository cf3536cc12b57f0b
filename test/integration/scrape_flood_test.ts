/**
 * The real agent with 2,000 targets under a flood of concurrent `/metrics` requests, and with
 * clients that never read: every answer is a complete, valid exposition or a 503 with
 * Retry-After (counted), /healthz keeps answering, and resident memory stays bounded.
 */
import assert from "node:assert/strict";
import { metricValue, startAgentProcess, waitFor, writeConfig } from "../_support/agent_process.ts";
import { checkExpositionStream, promtoolCheck } from "../_support/exposition_check.ts";
import { rssBytes } from "../bench/_metrics.ts";
import { closedPort } from "../_support/tcp_servers.ts";
import { watchHealth } from "../_support/health_watch.ts";
import { tempDirUntilExit } from "../_support/temp_dir.ts";

const TARGETS = 2000;
const SCRAPERS = 200;
/** Peak resident memory allowed above the agent's own before the flood. */
const RSS_BOUND = 100 * 1024 * 1024;

/** A config of 2,000 loopback targets on a closed port (refused at once), labels made long. */
async function floodConfig(extra = ""): Promise<string> {
  const port = closedPort();
  const targets = Array.from(
    { length: TARGETS },
    (_, i) => `"127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}:${port}"`,
  );
  return await writeConfig(`
agent: {listen: "127.0.0.1:0", log: {format: json}${extra}}
defaults: {interval: 2s, timeout: 1s}
limits: {per_host_rate: 100}
probes: {tcp: {type: tcp}}
targets:
  - static: {targets: [${targets.join(", ")}], labels: {role: "${"r".repeat(120)}"}}
    probes: [tcp]
wal: {dir: ${await tempDirUntilExit()}}
`);
}

Deno.test("agent run: 200 concurrent scrapes of 2,000 targets get a full page or 503, memory bounded", async () => {
  await using agent = await startAgentProcess(await floodConfig());
  const first = await waitFor("2,000 results", async () => {
    const res = await fetch(`${agent.url}/metrics`);
    const text = await res.text();
    return (text.match(/^probe_success\{/gm)?.length ?? 0) === TARGETS ? text : undefined;
  }, 30_000);
  const lint = await promtoolCheck(first);
  assert.deepEqual(lint, { code: 0, report: "" });
  const pageBytes = new TextEncoder().encode(first).length;
  const baseline = rssBytes(agent.child.pid);
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(agent.child.pid))), 50);
  const health = watchHealth(agent.url);
  const deadline = AbortSignal.timeout(120_000);
  const answers = await Promise.all(
    Array.from({ length: SCRAPERS }, async () => {
      const res = await fetch(`${agent.url}/metrics`, { signal: deadline });
      if (res.status === 503) {
        assert.equal(res.headers.get("retry-after"), "1");
        await res.text();
        return 503;
      }
      assert.equal(res.status, 200);
      const summary = await checkExpositionStream(res.body!);
      assert.equal(summary.samples.get("probe_success"), TARGETS);
      assert.ok(summary.bytes > pageBytes * 0.9, `${summary.bytes} bytes of ${pageBytes}`);
      return 200;
    }),
  ).finally(() => clearInterval(sampler));
  const { worstMs: worstHealthMs, late, answers: healthAnswers } = await health.stop();
  const ok = answers.filter((s) => s === 200).length;
  const busy = answers.filter((s) => s === 503).length;
  console.log(
    `page ${(pageBytes / 1e6).toFixed(1)} MB: ${ok} x 200, ${busy} x 503; RSS ${
      (baseline / 1e6).toFixed(0)
    } -> peak ${(peak / 1e6).toFixed(0)} MB; slowest /healthz ${worstHealthMs.toFixed(0)} ms`,
  );
  assert.equal(late, 0, `${late} /healthz requests unanswered within 2 s`);
  assert.ok(healthAnswers >= 1);
  assert.equal(ok + busy, SCRAPERS);
  assert.ok(ok >= 1);
  assert.ok(peak - baseline < RSS_BOUND, `RSS rose ${((peak - baseline) / 1e6).toFixed(0)} MB`);
  const after = await (await fetch(`${agent.url}/metrics`)).text();
  assert.equal(
    metricValue(after, "vmprober_http_rejected_total", { reason: "too_many_scrapes" }),
    busy,
  );
});

Deno.test("agent run: scrapers that never read are cut after scrape_timeout and free their slots", async () => {
  await using agent = await startAgentProcess(
    await floodConfig(", max_scrapes: 4, scrape_timeout: 3s"),
  );
  await waitFor("2,000 results", async () => {
    const text = await (await fetch(`${agent.url}/metrics`)).text();
    return (text.match(/^probe_success\{/gm)?.length ?? 0) === TARGETS ? true : undefined;
  }, 30_000);
  const baseline = rssBytes(agent.child.pid);
  const port = Number(new URL(agent.url).port);
  // Four clients ask for the page (≈ 9 MB, more than the socket buffers hold), read its first
  // bytes (so each holds a slot: its answer has begun) and then stop reading.
  const stuck = await Promise.all(Array.from({ length: 4 }, async () => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(new TextEncoder().encode("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"));
    const head = new Uint8Array(12);
    let got = 0;
    while (got < head.length) {
      const n = await conn.read(head.subarray(got));
      if (n === null) throw new Error("closed before the status line");
      got += n;
    }
    assert.equal(new TextDecoder().decode(head), "HTTP/1.1 200");
    return conn;
  }));
  try {
    // While they hold every slot, a fifth scrape is refused and /healthz still answers.
    const refused = await fetch(`${agent.url}/metrics`);
    await refused.body?.cancel();
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get("retry-after"), "1");
    assert.equal((await fetch(`${agent.url}/healthz`)).status, 200);
    // After the timeout the slots are free again: a reading scraper gets the whole page.
    const page = await waitFor("a page after the timeout", async () => {
      const res = await fetch(`${agent.url}/metrics`);
      if (res.status !== 200) return void (await res.body?.cancel());
      return await checkExpositionStream(res.body!);
    }, 10_000);
    assert.equal(page.samples.get("probe_success"), TARGETS);
    const text = await (await fetch(`${agent.url}/metrics`)).text();
    assert.equal(metricValue(text, "vmprober_http_rejected_total", { reason: "write_timeout" }), 4);
    const rise = rssBytes(agent.child.pid) - baseline;
    assert.ok(rise < RSS_BOUND, `RSS rose ${(rise / 1e6).toFixed(0)} MB`);
  } finally {
    for (const c of stuck) c.close();
  }
});
