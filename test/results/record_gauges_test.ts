import assert from "node:assert/strict";
import { createRecordEncoder } from "../../src/results/record_encoder.ts";
import { encodeWriteRequest } from "../_support/remote_write.ts";
import { recordToSeries } from "../_support/record_series.ts";
import { createProbeMetrics } from "../../src/metrics/probe_metrics.ts";
import type { ResultRecord } from "../../src/results/types.ts";

const phase = "Duration of http request by phase, summed over all redirects";
const http: ResultRecord = {
  key: "http_2xx|https://example.test/health",
  timestampMs: 1_700_000_000_000,
  target: "https://example.test/health",
  probe: "http_2xx",
  type: "http",
  labels: { site: "fra1" },
  success: true,
  durationSeconds: 0.02,
  attempts: 1,
  gauges: [
    { name: "probe_http_status_code", help: "Response HTTP status code", value: 200 },
    {
      name: "probe_http_duration_seconds",
      help: phase,
      value: 0.001,
      labels: [["phase", "connect"]],
    },
    { name: "probe_http_duration_seconds", help: phase, value: 0.002, labels: [["phase", "tls"]] },
  ],
};

Deno.test("recordToSeries() and the record encoder push a record's gauges alike", () => {
  const series = recordToSeries(http, { dc: "x" });
  const names = series.map((s) => s.labels[0]![1]);
  assert.deepEqual(names.slice(-3), [
    "probe_http_status_code",
    "probe_http_duration_seconds",
    "probe_http_duration_seconds",
  ]);
  const last = series.at(-1)!.labels;
  assert.deepEqual(last.find(([name]) => name === "phase"), ["phase", "tls"]);
  assert.deepEqual(last.map(([name]) => name), last.map(([name]) => name).sort());
  const encoded = createRecordEncoder({ dc: "x" }).encode([http, http]);
  assert.deepEqual(
    encoded.bytes,
    encodeWriteRequest([...series, ...recordToSeries(http, { dc: "x" })]),
  );
  // Per record: blackbox's 5 common families (success, duration, lookup time, IP protocol,
  // address hash) and the 3 gauges.
  assert.equal(encoded.samples, 16);
});

Deno.test("createProbeMetrics() renders each gauge family once, with its phase label", () => {
  const m = createProbeMetrics({ buckets: [1] });
  m.write([http, { ...http, key: "http_2xx|https://other.test/", target: "https://other.test/" }]);
  const text = m.render();
  assert.equal(text.match(/# TYPE probe_http_duration_seconds gauge/g)?.length, 1);
  assert.ok(text.includes(
    'probe_http_duration_seconds{instance="https://other.test/",job="http_2xx",probe="http_2xx",type="http",target="https://other.test/",site="fra1",phase="tls"} 0.002',
  ));
  assert.equal(text.match(/^probe_http_status_code\{/gm)?.length, 2);
});
