import assert from "node:assert/strict";
import { createRecordEncoder, sampleCount } from "../../src/results/record_encoder.ts";
import { encodeWriteRequest } from "../_support/remote_write.ts";
import { recordsToSeries, type Series } from "../_support/record_series.ts";
import type { ResultRecord } from "../../src/results/types.ts";
import { decodeWriteRequest } from "../_support/wal_decode.ts";
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

const reference = (
  records: ResultRecord[],
  extra: Record<string, string> = {},
  last = new Map<string, Series[]>(),
) => {
  const series = recordsToSeries(records, extra, last);
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
  const other = {
    ...tcp,
    target: "127.0.0.9:22",
    probe: "ssh2",
    key: jobKey("ssh2", "127.0.0.9:22"),
  };
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
    (_, i) => ({
      ...icmp,
      target: `127.1.${i >> 8}.${i & 255}`,
      key: jobKey("ping", `127.1.${i >> 8}.${i & 255}`),
    }),
  );
  const out = createRecordEncoder().encode(many);
  assert.ok(out.bytes.length > 64 * 1024);
  assert.deepEqual(out, reference(many));
});

Deno.test("createRecordEncoder() encodes nothing for no records", () => {
  assert.deepEqual(createRecordEncoder().encode([]), { bytes: new Uint8Array(0), samples: 0 });
});

Deno.test("createRecordEncoder() sorts every series' labels, __name__ and stat in their place", () => {
  const rec = { ...icmp, labels: { Zone: "eu", zz: "last", site: "fra1" } };
  const enc = createRecordEncoder({ env: "ci" });
  const out = enc.encode([rec]);
  assert.deepEqual(out, reference([rec], { env: "ci" }));
  for (const s of decodeWriteRequest(out.bytes)) {
    const names = s.labels.map(([n]) => n);
    assert.deepEqual(names, [...names].sort(), names.join());
  }
  const rtt = decodeWriteRequest(out.bytes).find((s) => s.labels.some(([n]) => n === "stat"))!;
  assert.deepEqual(rtt.labels.map(([n]) => n), [
    "Zone",
    "__name__",
    "env",
    "instance",
    "job",
    "probe",
    "site",
    "stat",
    "target",
    "type",
    "zz",
  ]);
});

Deno.test("createRecordEncoder() lets a series' own stat label win over a target label stat", () => {
  const rec = { ...icmp, labels: { stat: "operator", site: "fra1" } };
  const out = createRecordEncoder().encode([rec]);
  assert.deepEqual(out, reference([rec]));
  for (const s of decodeWriteRequest(out.bytes)) {
    const l = Object.fromEntries(s.labels);
    const stats = s.labels.filter(([n]) => n === "stat").map(([, v]) => v);
    if (l.__name__ === "vmprober_icmp_rtt_seconds") {
      assert.ok(["min", "avg", "median", "max", "stddev"].includes(stats.join()), stats.join());
    } else {
      assert.deepEqual(stats, ["operator"], l.__name__);
    }
  }
});

Deno.test("createRecordEncoder() leaves out empty values and invalid names, once per job", () => {
  const dropped: string[] = [];
  const rec = { ...tcp, labels: { empty: "", "bad-name": "x", site: "fra1" } };
  const enc = createRecordEncoder({ site: "dup" }, {
    onLabelDrop: (r, n) => dropped.push(`${r}:${n}`),
  });
  const out = enc.encode([rec, rec]);
  enc.encode([rec]);
  assert.deepEqual(dropped, ["empty_value:empty", "invalid_name:bad-name", "duplicate:site"]);
  assert.deepEqual(out, reference([rec, rec], { site: "dup" }));
  for (const s of decodeWriteRequest(out.bytes)) {
    assert.deepEqual(s.labels.map(([n]) => n), [
      "__name__",
      "instance",
      "job",
      "probe",
      "site",
      "target",
      "type",
    ]);
  }
});

Deno.test("createRecordEncoder().encodeStale() writes the StaleNaN bits for every series of the record", () => {
  const enc = createRecordEncoder();
  const live = decodeWriteRequest(enc.encode([icmp]).bytes);
  const out = enc.encodeStale([icmp], 1_700_000_009_000);
  const stale = decodeWriteRequest(out.bytes);
  assert.equal(out.samples, live.length);
  assert.deepEqual(stale.map((s) => s.labels), live.map((s) => s.labels));
  assert.ok(stale.every((s) => s.stale === true && s.timestampMs === 1_700_000_009_000));
  assert.ok(live.every((s) => s.stale === undefined));
  // Encoding goes back to real values afterwards.
  assert.deepEqual(enc.encode([icmp]), reference([icmp]));
});

Deno.test("createRecordEncoder() ends a series a job's next result lacks with a stale marker", () => {
  const enc = createRecordEncoder();
  const last = new Map<string, Series[]>();
  assert.deepEqual(enc.encode([icmp]), reference([icmp], {}, last));
  // All replies lost: the five RTT series get a stale marker at this result's time.
  const out = enc.encode([lost]);
  assert.deepEqual(out, reference([lost], {}, last));
  const stale = decodeWriteRequest(out.bytes).filter((s) => s.stale);
  assert.deepEqual(
    stale.map((s) => [Object.fromEntries(s.labels).stat, s.timestampMs]),
    ["min", "avg", "median", "max", "stddev"].map((st) => [st, lost.timestampMs]),
  );
  // Nothing more to end on the next loss; the RTT series come back with the next reply.
  assert.equal(decodeWriteRequest(enc.encode([lost]).bytes).filter((s) => s.stale).length, 0);
  assert.equal(decodeWriteRequest(enc.encode([icmp]).bytes).filter((s) => s.stale).length, 0);
});

Deno.test("sampleCount() is the number of samples encode() writes for one record", () => {
  for (const r of [tcp, icmp, failed, lost]) {
    assert.equal(sampleCount(r), createRecordEncoder().encode([r]).samples, r.probe);
  }
});

Deno.test("createRecordEncoder() sorts a gauge's own labels into place; they win over job labels", () => {
  const rec: ResultRecord = {
    ...tcp,
    labels: { phase: "operator", site: "fra1" },
    gauges: [
      {
        name: "probe_http_duration_seconds",
        help: "h",
        value: 0.5,
        labels: [["phase", "connect"]],
      },
      { name: "probe_dns_answer_rrs", help: "h", value: 2 },
      {
        name: "probe_http_status_code",
        help: "h",
        value: 200,
        labels: [["b", "2"], ["a", "1"], ["e", ""]],
      },
    ],
  };
  const dropped: string[] = [];
  const out = createRecordEncoder({}, { onLabelDrop: (r, n) => dropped.push(`${r}:${n}`) })
    .encode([rec]);
  assert.deepEqual(out, reference([rec]));
  assert.equal(out.samples, sampleCount(rec));
  const decoded = decodeWriteRequest(out.bytes);
  for (const s of decoded) {
    const names = s.labels.map(([n]) => n);
    assert.deepEqual(names, [...names].sort(), names.join());
    assert.equal(new Set(names).size, names.length, names.join());
  }
  const http = decoded.find((s) => s.labels.some(([, v]) => v === "probe_http_duration_seconds"))!;
  assert.equal(Object.fromEntries(http.labels).phase, "connect");
  assert.deepEqual(dropped, ["empty_value:e"]);
});

Deno.test("createRecordEncoder() encodes a job's labels once when jobs share one labels object", () => {
  // The jobs of one target group share their labels object (schedule/job.ts).
  const shared = { site: "fra1", "bad-name": "x" };
  const drops: string[] = [];
  const enc = createRecordEncoder({}, {
    onLabelDrop: (reason, name) => drops.push(`${reason} ${name}`),
  });
  const a = { ...tcp, labels: shared };
  const b = { ...tcp, target: "127.0.0.9:22", key: jobKey("ssh", "127.0.0.9:22"), labels: shared };
  const first = [enc.encode([a]).bytes, enc.encode([b]).bytes];
  const text = first.map((bytes) => new TextDecoder().decode(bytes));
  assert.ok(text[0]!.includes("127.0.0.1:22") && !text[0]!.includes("127.0.0.9:22"));
  assert.ok(text[1]!.includes("127.0.0.9:22") && !text[1]!.includes("127.0.0.1:22"));
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(enc.encode([a]).bytes, first[0]);
    assert.deepEqual(enc.encode([b]).bytes, first[1]);
  }
  assert.deepEqual(drops, ["invalid_name bad-name", "invalid_name bad-name"]);
});

Deno.test("createRecordEncoder() ends a labelled series whose label value changed, and only that", () => {
  const enc = createRecordEncoder();
  const last = new Map<string, Series[]>();
  const phases = [["phase", "connect"]] as const;
  const tls = (version: string): ResultRecord => ({
    ...failed,
    timestampMs: failed.timestampMs + version.length,
    tls: { ...failed.tls!, version },
    gauges: [{ name: "probe_http_duration_seconds", help: "h", value: 1, labels: phases }],
  });
  assert.deepEqual(enc.encode([tls("TLS 1.2")]), reference([tls("TLS 1.2")], {}, last));
  // New label list objects with the same contents end nothing.
  const same = enc.encode([tls("TLS 1.2")]);
  assert.deepEqual(same, reference([tls("TLS 1.2")], {}, last));
  assert.equal(decodeWriteRequest(same.bytes).filter((s) => s.stale).length, 0);
  // The version changes: the old version's series ends, the constant-label one does not.
  const next = tls("TLS 1.3 ");
  const out = enc.encode([next]);
  assert.deepEqual(out, reference([next], {}, last));
  const stale = decodeWriteRequest(out.bytes).filter((s) => s.stale);
  assert.deepEqual(stale.map((s) => Object.fromEntries(s.labels).version), ["TLS 1.2"]);
});
