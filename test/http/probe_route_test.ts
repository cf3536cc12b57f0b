import assert from "node:assert/strict";
import { type AppDeps, createApp } from "../../src/http/app.ts";
import { timeoutCapMs } from "../../src/http/probe_route.ts";
import type { ProbeNowRequest, ProbeNowResult } from "../../src/results/probe_now.ts";
import type { ResultRecord } from "../../src/results/types.ts";

const record: ResultRecord = {
  key: "icmp|127.0.0.1",
  timestampMs: 0,
  target: "127.0.0.1",
  probe: "icmp",
  type: "icmp",
  labels: {},
  success: true,
  durationSeconds: 0.0005,
  attempts: 1,
  ipProtocol: 4,
  ipAddress: "127.0.0.1",
  ipAddrHash: 3668918509,
  dnsLookupSeconds: 0.00001,
  icmpPhases: { resolve: 0.00001, setup: 0.0002, rtt: 0.00004 },
  icmpReplyHopLimit: 64,
};

function app(run: (req: ProbeNowRequest) => Promise<ProbeNowResult>, maxConcurrent = 4) {
  const refused: string[] = [];
  const deps: AppDeps = {
    metrics: () => Promise.resolve(""),
    ready: () => true,
    reload: () => Promise.resolve({ ok: true }),
    targets: () => [],
    status: () => ({}),
    probe: { run, maxConcurrent, onRefused: (r) => refused.push(r) },
  };
  return { app: createApp(deps), refused };
}

const ok = (req: ProbeNowRequest): Promise<ProbeNowResult> =>
  Promise.resolve({
    ok: true,
    record: { ...record, target: req.target },
    module: { type: "icmp" },
    timeoutMs: 5000,
  });

Deno.test("GET /probe answers blackbox_exporter's families as Prometheus text, no job labels", async () => {
  const { app: a } = app(ok);
  const res = await a.request("/probe?target=127.0.0.1&module=icmp");
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const text = await res.text();
  const samples = text.split("\n").filter((l) => l && !l.startsWith("#"));
  assert.deepEqual(samples, [
    "probe_success 1",
    "probe_duration_seconds 0.0005",
    "probe_dns_lookup_time_seconds 0.00001",
    "probe_ip_protocol 4",
    "probe_ip_addr_hash 3668918509",
    'probe_icmp_duration_seconds{phase="resolve"} 0.00001',
    'probe_icmp_duration_seconds{phase="setup"} 0.0002',
    'probe_icmp_duration_seconds{phase="rtt"} 0.00004',
    "probe_icmp_reply_hop_limit 64",
  ]);
  assert.ok(
    text.includes("# HELP probe_success Displays whether or not the probe was a success\n"),
  );
  assert.ok(text.includes("# TYPE probe_icmp_duration_seconds gauge\n"));
});

Deno.test("GET /probe?debug=true answers the probe's log, its metrics and its module as text", async () => {
  const { app: a } = app(ok);
  const text = await (await a.request("/probe?target=127.0.0.1&module=icmp&debug=true")).text();
  assert.match(
    text,
    /^Logs for the probe:\nts=\S+ caller=probe module=icmp target=127\.0\.0\.1 level=info msg="Beginning probe" probe=icmp timeout_seconds=5\n/,
  );
  assert.match(text, /msg="Resolved target address" ip=127\.0\.0\.1/);
  assert.match(text, /msg="Probe succeeded" duration_seconds=0\.0005\n/);
  assert.match(text, /\n\n\nMetrics that would have been returned:\n# HELP probe_success/);
  assert.match(text, /\n\n\nModule configuration:\ntype: icmp\n$/);
});

Deno.test("GET /probe without target or module, or with a bad timeout header, is 400 with the reason", async () => {
  const { app: a, refused } = app(ok);
  const cases: [string, Record<string, string>, string][] = [
    ["/probe?module=icmp", {}, "Target parameter is missing\n"],
    ["/probe?target=127.0.0.1", {}, "Module parameter is missing\n"],
    ["/probe?target=&module=icmp", {}, "Target parameter is missing\n"],
    [
      `/probe?module=icmp&target=${"a".repeat(1025)}`,
      {},
      "Target parameter is longer than 1024 characters\n",
    ],
    [
      "/probe?target=127.0.0.1&module=icmp",
      { "X-Prometheus-Scrape-Timeout-Seconds": "soon" },
      'Cannot parse X-Prometheus-Scrape-Timeout-Seconds: "soon"\n',
    ],
  ];
  for (const [path, headers, body] of cases) {
    const res = await a.request(path, { headers });
    assert.equal(res.status, 400, path);
    assert.equal(await res.text(), body);
  }
  assert.deepEqual(refused, Array(5).fill("bad_request"));
});

Deno.test("GET /probe past maxConcurrent answers 503 and serves again once probes end", async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const { app: a, refused } = app(async (req) => (await gate, ok(req)), 2);
  const first = [
    a.request("/probe?target=a&module=icmp"),
    a.request("/probe?target=b&module=icmp"),
  ];
  await new Promise((r) => setTimeout(r, 10));
  const busy = await a.request("/probe?target=c&module=icmp");
  assert.equal(busy.status, 503);
  assert.equal(busy.headers.get("retry-after"), "1");
  assert.equal(await busy.text(), "Too many probes at once (at most 2); try again\n");
  release();
  assert.deepEqual((await Promise.all(first)).map((r) => r.status), [200, 200]);
  assert.equal((await a.request("/probe?target=d&module=icmp")).status, 200);
  assert.deepEqual(refused, ["busy"]);
});

Deno.test("timeoutCapMs() is blackbox's: header minus 0.5 s; none when absent, 0 or not above the offset", () => {
  assert.equal(timeoutCapMs(undefined), undefined);
  assert.equal(timeoutCapMs("0"), undefined);
  assert.equal(timeoutCapMs("0.4"), undefined);
  assert.equal(timeoutCapMs("10"), 9500);
  assert.equal(timeoutCapMs("1.5"), 1000);
  assert.ok(timeoutCapMs("-1") instanceof Error);
  assert.ok(timeoutCapMs("NaN") instanceof Error);
});
