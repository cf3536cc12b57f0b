import assert from "node:assert/strict";
import {
  countResult,
  createProbeMetrics,
  ICMP_RTT_BUCKETS,
} from "../../src/metrics/probe_metrics.ts";
import type { ResultRecord } from "../../src/results/types.ts";
import { oneEchoStats } from "../_support/one_echo_stats.ts";
import { jobKey } from "../../src/base/job_key.ts";

const icmpRecord = (i: number): ResultRecord => ({
  timestampMs: 1_700_000_000_000,
  target: `127.1.${i >> 8}.${i & 255}`,
  probe: "ping",
  key: jobKey("ping", `127.1.${i >> 8}.${i & 255}`),
  type: "icmp",
  labels: {},
  success: true,
  durationSeconds: 0.0001,
  attempts: 1,
  ipProtocol: 4,
  icmp: oneEchoStats(0.00002),
});

Deno.test("render() serves 10,000 ICMP targets (families of 150,000 lines)", () => {
  const metrics = createProbeMetrics({ buckets: [0.001, 0.01] });
  metrics.write(Array.from({ length: 10_000 }, (_, i) => icmpRecord(i)));
  const lines = metrics.render().split("\n");
  const count = (prefix: string) => lines.filter((l) => l.startsWith(prefix)).length;
  assert.equal(
    count("vmprober_icmp_packet_rtt_seconds_bucket{"),
    10_000 * (ICMP_RTT_BUCKETS.length + 1),
  );
  assert.equal(count("probe_success{"), 10_000);
  assert.equal(count("# TYPE vmprober_icmp_packet_rtt_seconds histogram"), 1);
});

Deno.test("render() writes a TCP record's families in order and leaves out empty ones", () => {
  const metrics = createProbeMetrics({ buckets: [0.001, 0.01] });
  metrics.write([{
    timestampMs: 1_700_000_000_000,
    target: "127.0.0.1:22",
    probe: "ssh",
    key: jobKey("ssh", "127.0.0.1:22"),
    type: "tcp",
    labels: { site: "fra1" },
    success: false,
    durationSeconds: 0.005,
    reason: "refused",
    attempts: 1,
    ipProtocol: 4,
  }]);
  const l =
    'instance="127.0.0.1:22",job="ssh",probe="ssh",type="tcp",target="127.0.0.1:22",site="fra1"';
  const text = metrics.render();
  assert.ok(text.includes(`probe_success{${l}} 0\n`));
  // blackbox's TCP families are there even when the probe failed.
  assert.ok(text.includes(`probe_ip_protocol{${l}} 4\n`));
  assert.ok(text.includes(`probe_dns_lookup_time_seconds{${l}} 0\n`));
  assert.ok(text.includes(`probe_failed_due_to_regex{${l}} 0\n`));
  assert.ok(text.includes(`vmprober_probe_duration_seconds_bucket{${l},le="0.001"} 0\n`));
  assert.ok(text.includes(`vmprober_probe_duration_seconds_bucket{${l},le="0.01"} 1\n`));
  assert.ok(text.includes(`vmprober_probe_duration_seconds_bucket{${l},le="+Inf"} 1\n`));
  assert.ok(text.includes(`vmprober_probes_total{${l},result="refused"} 1\n`));
  for (const empty of ["probe_ssl_earliest_cert_expiry", "vmprober_icmp_", "probe_icmp_"]) {
    assert.ok(!text.includes(empty), `${empty} has no series, so no header either`);
  }
  assert.ok(text.endsWith("\n"));
});

Deno.test("render() of no jobs is empty", () => {
  assert.equal(createProbeMetrics({ buckets: [1] }).render(), "");
});

Deno.test("chunks() pieces join to render() and stay near the line bound", () => {
  const metrics = createProbeMetrics({ buckets: [0.001, 0.01] });
  metrics.write(Array.from({ length: 300 }, (_, i) => icmpRecord(i)));
  const pieces = [...metrics.chunks(100)];
  assert.equal(pieces.join(""), metrics.render());
  assert.ok(pieces.length > 10);
  // A piece ends after the job that crossed the bound: at most one job's lines (+ a header) over.
  for (const p of pieces) assert.ok(p.split("\n").length - 1 < 100 + 2 + 16, `${p.length}`);
});

Deno.test("chunks() shows one moment even when records arrive between pieces", () => {
  const metrics = createProbeMetrics({ buckets: [0.001, 0.01] });
  metrics.write(Array.from({ length: 300 }, (_, i) => icmpRecord(i)));
  const it = metrics.chunks(100);
  const first = it.next().value!;
  // Every job probes again while the page is being read.
  metrics.write(Array.from({ length: 300 }, (_, i) => icmpRecord(i)));
  const page = first + [...it].join("");
  const sum = (name: string) =>
    page.split("\n").filter((l) => l.startsWith(name + "{")).reduce(
      (n, l) => n + Number(l.slice(l.lastIndexOf(" ") + 1)),
      0,
    );
  assert.equal(sum("vmprober_icmp_packets_sent_total"), 300);
  assert.equal(sum("vmprober_icmp_packets_received_total"), 300);
  assert.equal(sum("vmprober_probes_total"), 300);
});

Deno.test("countResult() keeps runs by result as a flat list in first-seen order", () => {
  let results: (string | number)[] = [];
  for (const r of ["success", "refused", "success", "timeout", "success"]) {
    results = countResult(results, r);
  }
  assert.deepEqual(results, ["success", 3, "refused", 1, "timeout", 1]);
});

Deno.test("countResult() raises a seen result's count in the same list, a new one in a new list", () => {
  const first = countResult([], "success");
  assert.equal(countResult(first, "success"), first);
  assert.deepEqual(first, ["success", 2]);
  const second = countResult(first, "timeout");
  assert.notEqual(second, first);
  assert.deepEqual(second, ["success", 2, "timeout", 1]);
  assert.deepEqual(first, ["success", 2], "the list a scrape copied is left as it was");
});

Deno.test("vmprober_probes_total counts each result of a job, first seen first", () => {
  const metrics = createProbeMetrics({ buckets: [0.01] });
  const tcp = (success: boolean, reason?: "refused" | "timeout"): ResultRecord => ({
    timestampMs: 1_700_000_000_000,
    target: "127.0.0.1:22",
    probe: "ssh",
    key: jobKey("ssh", "127.0.0.1:22"),
    type: "tcp",
    labels: {},
    success,
    durationSeconds: 0.005,
    reason,
    attempts: 1,
    ipProtocol: 4,
  });
  metrics.write([tcp(false, "refused"), tcp(true), tcp(false, "refused")]);
  const it = metrics.chunks(1);
  const first = it.next().value!;
  metrics.write([tcp(false, "timeout"), tcp(true)]); // after the page's moment
  const page = first + [...it].join("");
  const l = 'instance="127.0.0.1:22",job="ssh",probe="ssh",type="tcp",target="127.0.0.1:22"';
  const totals = page.split("\n").filter((x) => x.startsWith("vmprober_probes_total{"));
  assert.deepEqual(totals, [
    `vmprober_probes_total{${l},result="refused"} 2`,
    `vmprober_probes_total{${l},result="success"} 1`,
  ]);
  assert.ok(
    metrics.render().includes(`vmprober_probes_total{${l},result="timeout"} 1\n`),
    "the next page has the later runs",
  );
});

Deno.test("retain() frees a job's histogram rows: the job that takes them starts from zero", () => {
  const metrics = createProbeMetrics({ buckets: [0.001] });
  metrics.write([icmpRecord(0), icmpRecord(0), icmpRecord(1)]);
  metrics.retain(new Set([icmpRecord(1).key]));
  metrics.write([icmpRecord(2)]);
  const lines = metrics.render().split("\n");
  const of = (name: string, target: string) =>
    lines.filter((l) => l.startsWith(name) && l.includes(`target="${target}"`))
      .map((l) => l.slice(l.lastIndexOf(" ") + 1));
  assert.deepEqual(of("vmprober_probe_duration_seconds_count", "127.1.0.2"), ["1"]);
  assert.deepEqual(of("vmprober_probe_duration_seconds_bucket", "127.1.0.2"), ["1", "1"]);
  assert.deepEqual(of("vmprober_icmp_packet_rtt_seconds_count", "127.1.0.2"), ["1"]);
  assert.deepEqual(of("vmprober_icmp_packet_rtt_seconds_sum", "127.1.0.2"), ["0.00002"]);
  assert.deepEqual(of("vmprober_probe_duration_seconds_count", "127.1.0.1"), ["1"]);
  assert.deepEqual(of("vmprober_probe_duration_seconds_count", "127.1.0.0"), []);
  assert.equal(metrics.series, 2);
});

Deno.test("a job whose labels change starts its histograms again", () => {
  const metrics = createProbeMetrics({ buckets: [0.001] });
  metrics.write([icmpRecord(0), icmpRecord(0)]);
  metrics.write([{ ...icmpRecord(0), labels: { site: "b" } }]);
  metrics.write([icmpRecord(1)]);
  const counts = metrics.render().split("\n")
    .filter((l) => l.startsWith("vmprober_probe_duration_seconds_count"));
  assert.deepEqual(counts, [
    'vmprober_probe_duration_seconds_count{instance="127.1.0.0",job="ping",probe="ping",' +
    'type="icmp",target="127.1.0.0",site="b"} 1',
    'vmprober_probe_duration_seconds_count{instance="127.1.0.1",job="ping",probe="ping",' +
    'type="icmp",target="127.1.0.1"} 1',
  ]);
});
