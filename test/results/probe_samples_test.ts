import assert from "node:assert/strict";
import {
  jobLabels,
  PROBE_FAMILIES,
  probeSamples,
  pushedExtraSamples,
} from "../../src/results/probe_samples.ts";
import type { ResultRecord } from "../../src/results/types.ts";
import { ipAddrHash } from "../../src/probes/address_fields.ts";

const base: ResultRecord = {
  key: "pg|db1.example:5432",
  timestampMs: 0,
  target: "db1.example:5432",
  probe: "pg",
  type: "tcp",
  labels: { site: "fra1" },
  success: true,
  durationSeconds: 0.002,
  attempts: 1,
};

const flat = (r: ResultRecord) =>
  probeSamples(r).map((s) =>
    `${s.name}${s.labels ? JSON.stringify(Object.fromEntries(s.labels)) : ""} ${s.value}`
  );

Deno.test("probeSamples() of a failed TCP probe has blackbox's always-there families at 0", () => {
  assert.deepEqual(
    flat({ ...base, success: false, durationSeconds: 0.5, reason: "dns", dnsLookupSeconds: 0.5 }),
    [
      "probe_success 0",
      "probe_duration_seconds 0.5",
      "probe_dns_lookup_time_seconds 0.5",
      "probe_ip_protocol 0",
      "probe_ip_addr_hash 0",
      "probe_failed_due_to_regex 0",
    ],
  );
});

Deno.test("probeSamples() of a TLS probe with a regex mismatch adds the TLS families", () => {
  const r: ResultRecord = {
    ...base,
    success: false,
    reason: "mismatch",
    failedDueToRegex: true,
    ipProtocol: 6,
    ipAddrHash: 7,
    dnsLookupSeconds: 0.001,
    tls: {
      earliestCertExpiry: 1.9e9,
      lastChainExpiry: 1.8e9,
      version: "TLS 1.3",
      fingerprintSha256: "ab",
      subject: "CN=db1.example",
      issuer: "CN=ca",
      subjectAlternative: "db1.example",
    },
  };
  assert.deepEqual(flat(r), [
    "probe_success 0",
    "probe_duration_seconds 0.002",
    "probe_dns_lookup_time_seconds 0.001",
    "probe_ip_protocol 6",
    "probe_ip_addr_hash 7",
    "probe_failed_due_to_regex 1",
    "probe_ssl_earliest_cert_expiry 1900000000",
    "probe_ssl_last_chain_expiry_timestamp_seconds 1800000000",
    'probe_ssl_last_chain_info{"fingerprint_sha256":"ab","subject":"CN=db1.example","issuer":"CN=ca","subjectalternative":"db1.example"} 1',
    'probe_tls_version_info{"version":"TLS 1.3"} 1',
  ]);
});

Deno.test("probeSamples() of ICMP: three phases always, the hop limit only with a reply, no regex family", () => {
  const icmp: ResultRecord = {
    ...base,
    type: "icmp",
    target: "10.0.0.1",
    ipProtocol: 4,
    ipAddrHash: ipAddrHash("10.0.0.1", 4),
    icmpPhases: { resolve: 0.001, setup: 0.0001, rtt: 0.02 },
    icmpReplyHopLimit: 61,
  };
  assert.deepEqual(flat(icmp).slice(5), [
    'probe_icmp_duration_seconds{"phase":"resolve"} 0.001',
    'probe_icmp_duration_seconds{"phase":"setup"} 0.0001',
    'probe_icmp_duration_seconds{"phase":"rtt"} 0.02',
    "probe_icmp_reply_hop_limit 61",
  ]);
  const lost = flat({
    ...icmp,
    success: false,
    icmpPhases: undefined,
    icmpReplyHopLimit: undefined,
  });
  assert.deepEqual(lost.slice(5), [
    'probe_icmp_duration_seconds{"phase":"resolve"} 0',
    'probe_icmp_duration_seconds{"phase":"setup"} 0',
    'probe_icmp_duration_seconds{"phase":"rtt"} 0',
  ]);
  assert.deepEqual(pushedExtraSamples(base), []);
});

Deno.test("PROBE_FAMILIES lists every name probeSamples() emits, each once", () => {
  const names = PROBE_FAMILIES.map((f) => f.name);
  assert.equal(new Set(names).size, names.length);
  assert.ok(names.every((n) => /^probe_[a-z_]+$/.test(n)));
});

Deno.test("jobLabels() puts instance and job first and never repeats a name", () => {
  assert.deepEqual(jobLabels(base), [
    ["instance", "db1.example:5432"],
    ["job", "pg"],
    ["probe", "pg"],
    ["type", "tcp"],
    ["target", "db1.example:5432"],
    ["site", "fra1"],
  ]);
  const planted = jobLabels({ ...base, job: "db", labels: { job: "x", instance: "y", site: "s" } });
  assert.deepEqual(planted.map(([k]) => k), ["instance", "job", "probe", "type", "target", "site"]);
  assert.equal(planted[1]![1], "db");
});
