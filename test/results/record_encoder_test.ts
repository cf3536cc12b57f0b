import assert from "node:assert/strict";
import { createRecordEncoder } from "../../src/results/record_encoder.ts";
import { encodeWriteRequest } from "../_support/remote_write.ts";
import { recordToSeries } from "../_support/record_series.ts";
import type { ResultRecord } from "../../src/results/types.ts";
import { jobKey } from "../../src/base/job_key.ts";

const labels = { site: "fra1", role: "edge", target: "ignored: the record's own target wins" };
const tcp: ResultRecord = {
  timestampMs: 1_700_000_000_123,
  target: "127.0.0.1:22",
  probe: "ssh",
  key: jobKey("ssh", "127.0.0.1:22"),
  type: "tcp",
  labels,
  success: true,
  durationSeconds: 0.000123,
  attempts: 1,
  ipProtocol: 4,
};
const icmp: ResultRecord = {
  timestampMs: 1_700_000_000_456,
  target: "127.0.0.2",
  probe: "ping",
  key: jobKey("ping", "127.0.0.2"),
  type: "icmp",
  labels: { site: "fra1" },
  success: true,
  durationSeconds: 0.01,
  attempts: 1,
  icmp: {
    sent: 3,
    received: 2,
    lossRatio: 1 / 3,
    rttsSeconds: [0.00001, 0.00002],
    minSeconds: 0.00001,
    avgSeconds: 0.000015,
    medianSeconds: 0.000015,
    maxSeconds: 0.00002,
    stddevSeconds: 0.000005,
  },
};
const failed: ResultRecord = {
  timestampMs: -5,
  target: "näme.example:443",
  probe: "tls",
  key: jobKey("tls", "näme.example:443"),
  type: "tcp",
  labels: {},
  success: false,
  durationSeconds: 5,
  reason: "timeout",
  attempts: 2,
  tls: {
    earliestCertExpiry: 1.8e9,
    lastChainExpiry: 1.8e9,
    version: "TLS 1.3",
    fingerprintSha256: "ab",
    subject: "CN=x",
    issuer: "CN=y",
    subjectAlternative: "x,y",
  },
  dnsLookupSeconds: 0.0001,
  ipAddrHash: 3668918509,
  failedDueToRegex: false,
};
const lost: ResultRecord = {
  ...icmp,
  icmp: { ...icmp.icmp!, received: 0, lossRatio: 1, rttsSeconds: [] },
};

const reference = (records: ResultRecord[], extra: Record<string, string> = {}) => {
  const series = records.flatMap((r) => recordToSeries(r, extra));
  return { bytes: encodeWriteRequest(series), samples: series.length };
};

Deno.test("createRecordEncoder() writes the bytes of encodeWriteRequest(recordToSeries())", () => {
  const records = [tcp, icmp, failed, lost];
  assert.deepEqual(createRecordEncoder().encode(records), reference(records));
});

Deno.test("createRecordEncoder() adds extra labels without overriding a record's own", () => {
  const extra = { env: "prod", site: "extra loses", probe: "extra loses too" };
  const enc = createRecordEncoder(extra);
  assert.deepEqual(enc.encode([tcp, icmp]), reference([tcp, icmp], extra));
});

Deno.test("createRecordEncoder() re-encodes when one labels object serves two jobs", () => {
  const enc = createRecordEncoder();
  const other = { ...tcp, target: "127.0.0.9:22", probe: "ssh2" };
  // The cache is keyed by the labels object: the second job must not reuse the first's bytes.
  assert.deepEqual(enc.encode([tcp]), reference([tcp]));
  assert.deepEqual(enc.encode([other]), reference([other]));
  assert.deepEqual(enc.encode([tcp, other, tcp]), reference([tcp, other, tcp]));
});

Deno.test("createRecordEncoder() returns a copy that later calls do not overwrite", () => {
  const enc = createRecordEncoder();
  const first = enc.encode([tcp]).bytes;
  const copy = first.slice();
  enc.encode([icmp, failed]);
  assert.deepEqual(first, copy);
});

Deno.test("createRecordEncoder() grows its buffer past 64 KiB", () => {
  const many = Array.from(
    { length: 2000 },
    (_, i) => ({ ...icmp, target: `127.1.${i >> 8}.${i & 255}` }),
  );
  const out = createRecordEncoder().encode(many);
  assert.ok(out.bytes.length > 64 * 1024);
  assert.deepEqual(out, reference(many));
});

Deno.test("createRecordEncoder() encodes nothing for no records", () => {
  assert.deepEqual(createRecordEncoder().encode([]), { bytes: new Uint8Array(0), samples: 0 });
});
