/**
 * @module The blackbox_exporter metric set of one result record (names, label names, units and
 * meaning as blackbox_exporter 0.23's probers give them), plus our ICMP figures that are pushed.
 * One table for every surface: `/metrics`, `/probe` and remote write read it, so the three can
 * never disagree.
 */
import type { ResultRecord } from "./types.ts";

/** One metric family: its name, type and HELP text. */
export interface Family {
  name: string;
  type: "gauge" | "counter";
  help: string;
  /** Values are durations (stored and pushed at float32 precision). */
  duration?: boolean;
}

/** One sample of a record: family name, labels beyond the job's, value. */
export interface ProbeSample {
  name: string;
  labels?: readonly (readonly [string, string])[];
  value: number;
}

const f = (name: string, help: string, duration = false): Family => ({
  name,
  type: "gauge",
  help,
  duration,
});

/** The families, in exposition order. HELP texts are blackbox_exporter's for its names. */
export const PROBE_FAMILIES: readonly Family[] = [
  f("probe_success", "Displays whether or not the probe was a success"),
  f("probe_duration_seconds", "Returns how long the probe took to complete in seconds", true),
  f(
    "probe_dns_lookup_time_seconds",
    "Returns the time taken for probe dns lookup in seconds",
    true,
  ),
  f("probe_ip_protocol", "Specifies whether probe ip protocol is IP4 or IP6"),
  f(
    "probe_ip_addr_hash",
    "Specifies the hash of IP address. It's useful to detect if the IP address changes.",
  ),
  f("probe_failed_due_to_regex", "Indicates if probe failed due to regex"),
  f("probe_ssl_earliest_cert_expiry", "Returns last SSL chain expiry in unixtime"),
  f("probe_ssl_last_chain_expiry_timestamp_seconds", "Returns last SSL chain expiry in timestamp"),
  f("probe_ssl_last_chain_info", "Contains SSL leaf certificate information"),
  f("probe_tls_version_info", "Returns the TLS version used or NaN when unknown"),
  f("probe_icmp_duration_seconds", "Duration of icmp request by phase", true),
  f("probe_icmp_reply_hop_limit", "Replied packet hop limit (TTL for ipv4)"),
];

/** Families pushed beside blackbox's (in `/metrics` they come with the rest of ours). */
export const PUSHED_EXTRA_FAMILIES: readonly Family[] = [
  f("vmprober_icmp_loss_ratio", "Share of echo requests of the last run without a reply."),
  f("vmprober_icmp_rtt_seconds", "RTT statistics of the last ICMP run, in seconds.", true),
];

/** Names of the duration families (float32 when stored). */
export const DURATION_FAMILIES: ReadonlySet<string> = new Set(
  [...PROBE_FAMILIES, ...PUSHED_EXTRA_FAMILIES].filter((x) => x.duration).map((x) => x.name),
);

type Pairs = readonly (readonly [string, string])[];
/** Shared label lists (one object each), so encoders can cache their bytes by identity. */
const PHASE_LABELS: Record<"resolve" | "setup" | "rtt", Pairs> = {
  resolve: [["phase", "resolve"]],
  setup: [["phase", "setup"]],
  rtt: [["phase", "rtt"]],
};
const STAT_LABELS: Record<"min" | "avg" | "median" | "max" | "stddev", Pairs> = {
  min: [["stat", "min"]],
  avg: [["stat", "avg"]],
  median: [["stat", "median"]],
  max: [["stat", "max"]],
  stddev: [["stat", "stddev"]],
};

/**
 * blackbox_exporter's samples for one record, in {@linkcode PROBE_FAMILIES} order (a fresh list
 * per call, not remembered per record: a list kept as long as its record was ~600 B per job that
 * lived a whole interval, so was promoted and dropped in the old generation every run). Like
 * blackbox, the address families are there even when resolving failed (value 0), TCP and UDP
 * always carry `probe_failed_due_to_regex`, ICMP always its three phases, and the TLS and hop
 * limit families only when there is a handshake or a reply.
 *
 * @example
 * ```ts
 * import { probeSamples } from "./probe_samples.ts";
 * const s = probeSamples({
 *   key: "ssh|127.0.0.1:22", timestampMs: 0, target: "127.0.0.1:22", probe: "ssh", type: "tcp", labels: {},
 *   success: true, durationSeconds: 0.001, attempts: 1,
 * });
 * if (s.map((x) => x.name).join() !== "probe_success,probe_duration_seconds," +
 *   "probe_dns_lookup_time_seconds,probe_ip_protocol,probe_ip_addr_hash,probe_failed_due_to_regex"
 * ) throw new Error();
 * ```
 */
export function probeSamples(r: ResultRecord): ProbeSample[] {
  // http and dns probes report their own families as gauges (`probe_http_*`, `probe_dns_*`, and
  // some of the common ones): a name they set is theirs, never written twice.
  const gauges = r.gauges ?? [];
  const out: ProbeSample[] = [];
  const add = (name: string, value: number) => {
    if (!ownGauge(gauges, name)) out.push({ name, value });
  };
  add("probe_success", r.success ? 1 : 0);
  add("probe_duration_seconds", r.durationSeconds);
  add("probe_dns_lookup_time_seconds", r.dnsLookupSeconds ?? 0);
  add("probe_ip_protocol", r.ipProtocol ?? 0);
  add("probe_ip_addr_hash", r.ipAddrHash ?? 0);
  if (r.type === "tcp" || r.type === "udp") {
    add("probe_failed_due_to_regex", r.failedDueToRegex ? 1 : 0);
  }
  const tls = r.tls;
  if (tls) {
    out.push(
      { name: "probe_ssl_earliest_cert_expiry", value: tls.earliestCertExpiry },
      { name: "probe_ssl_last_chain_expiry_timestamp_seconds", value: tls.lastChainExpiry },
      {
        name: "probe_ssl_last_chain_info",
        labels: [
          ["fingerprint_sha256", tls.fingerprintSha256],
          ["subject", tls.subject],
          ["issuer", tls.issuer],
          ["subjectalternative", tls.subjectAlternative],
        ],
        value: 1,
      },
      { name: "probe_tls_version_info", labels: [["version", tls.version]], value: 1 },
    );
  }
  if (!tls && r.tlsCertExpiry !== undefined) add("probe_ssl_earliest_cert_expiry", r.tlsCertExpiry);
  if (r.type === "icmp") {
    const p = r.icmpPhases ?? { resolve: r.dnsLookupSeconds ?? 0, setup: 0, rtt: 0 };
    for (const phase of ["resolve", "setup", "rtt"] as const) {
      out.push({
        name: "probe_icmp_duration_seconds",
        labels: PHASE_LABELS[phase],
        value: p[phase],
      });
    }
    if (r.icmpReplyHopLimit !== undefined) {
      out.push({ name: "probe_icmp_reply_hop_limit", value: r.icmpReplyHopLimit });
    }
  }
  // A gauge is a sample already (name, labels, value): no copy.
  for (const g of gauges) out.push(g);
  return out;
}

/** Whether `gauges` has one named `name` (a loop: no set per record). */
function ownGauge(gauges: readonly { name: string }[], name: string): boolean {
  for (const g of gauges) if (g.name === name) return true;
  return false;
}

/**
 * The families of `records` in exposition order: {@linkcode PROBE_FAMILIES}, then the gauge
 * families (http, dns) in order of first appearance, each name once.
 */
export function familiesOf(records: Iterable<ResultRecord>): Family[] {
  const out = [...PROBE_FAMILIES];
  const seen = new Set(out.map((x) => x.name));
  for (const r of records) {
    for (const g of r.gauges ?? []) {
      if (seen.has(g.name)) continue;
      seen.add(g.name);
      out.push({ name: g.name, type: g.type ?? "gauge", help: g.help });
    }
  }
  return out;
}

/** The pushed ICMP figures beside blackbox's: loss ratio and the RTT statistics. */
export function pushedExtraSamples(r: ResultRecord): ProbeSample[] {
  const icmp = r.icmp;
  if (!icmp) return [];
  const out: ProbeSample[] = [{ name: "vmprober_icmp_loss_ratio", value: icmp.lossRatio }];
  if (icmp.received > 0) {
    for (
      const [stat, v] of [
        ["min", icmp.minSeconds],
        ["avg", icmp.avgSeconds],
        ["median", icmp.medianSeconds],
        ["max", icmp.maxSeconds],
        ["stddev", icmp.stddevSeconds],
      ] as const
    ) out.push({ name: "vmprober_icmp_rtt_seconds", labels: STAT_LABELS[stat], value: v });
  }
  return out;
}

/**
 * The label pairs every series of a record's job carries, in this order: `instance` (the target
 * as its source wrote it), `job` (the module's or source's `job`, else the module name),
 * `probe`, `type`, `target`, then the merged labels (never one of those names; the config
 * refuses them).
 */
export function jobLabels(r: ResultRecord): [string, string][] {
  const out: [string, string][] = [
    ["instance", r.target],
    ["job", r.job ?? r.probe],
    ["probe", r.probe],
    ["type", r.type],
    ["target", r.target],
  ];
  for (const [k, v] of Object.entries(r.labels)) {
    if (!JOB_LABEL_NAMES.has(k)) out.push([k, v]);
  }
  return out;
}

/** The label names {@linkcode jobLabels} sets itself. */
export const JOB_LABEL_NAMES: ReadonlySet<string> = new Set([
  "instance",
  "job",
  "probe",
  "type",
  "target",
]);
