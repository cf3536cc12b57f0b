/** @module The probe seam: one attempt on one target, with a hard deadline. */
import type { ProbeType } from "../config/schema.ts";
import type { ProbeJob } from "../schedule/job.ts";
import type { PathResult } from "./path/types.ts";

/** The fixed set of reasons a probe fails; a failure is data, not an exception. */
export type FailureReason = "timeout" | "refused" | "unreachable" | "dns" | "mismatch" | "error";

/** Every failure reason, in a stable order (for metrics pre-registration and docs). */
export const FAILURE_REASONS: readonly FailureReason[] = [
  "timeout",
  "refused",
  "unreachable",
  "dns",
  "mismatch",
  "error",
];

/** Smokeping-style statistics of one ICMP run. RTTs are in seconds. */
export interface IcmpStats {
  sent: number;
  received: number;
  /** 0..1; 1 when nothing came back. */
  lossRatio: number;
  /** Every RTT received, in send order. */
  rttsSeconds: number[];
  minSeconds: number;
  avgSeconds: number;
  medianSeconds: number;
  maxSeconds: number;
  stddevSeconds: number;
}

/**
 * One more gauge sample a probe reports beside the common ones (blackbox_exporter's per-type
 * metrics such as `probe_http_status_code`): rendered in `/metrics` and pushed like the rest.
 * Its `labels` never name `probe`, `type`, `target` or an operator label.
 */
export interface ProbeGauge {
  name: string;
  help: string;
  value: number;
  labels?: readonly (readonly [string, string])[];
  /** The family's type; a gauge unless said (`vmprober_path_changes_total` is a counter). */
  type?: "counter";
}

/** What one probe attempt (or its retries) reports: success, time, reason, type fields. */
export interface ProbeOutcome {
  success: boolean;
  /** Wall time of the attempt that decided the outcome, in seconds. */
  durationSeconds: number;
  /** Set iff `success` is false. */
  reason?: FailureReason;
  /** Human detail for logs and the targets API (never a secret). */
  detail?: string;
  /** IP family used: 4 or 6. */
  ipProtocol?: 4 | 6;
  /** ICMP statistics (type icmp only). */
  icmp?: IcmpStats;
  /** TLS details of the handshake (tcp with tls, after a completed handshake). */
  tls?: TlsInfo;
  /** Time spent resolving the target's name, seconds (0 for an IP literal). */
  dnsLookupSeconds?: number;
  /** The IP address probed, once resolved. */
  ipAddress?: string;
  /** FNV-1a 32-bit hash of the address bytes (blackbox's `probe_ip_addr_hash`). */
  ipAddrHash?: number;
  /** tcp/udp with `expect`: true when the reply did not match (blackbox's `probe_failed_due_to_regex`). */
  failedDueToRegex?: boolean;
  /** ICMP phases, seconds: resolve, setup (first request built and sent), rtt (mean of the replies). */
  icmpPhases?: { resolve: number; setup: number; rtt: number };
  /** TTL (IPv4) or hop limit (IPv6) of the last ICMP reply, where the helper reads it. */
  icmpReplyHopLimit?: number;
  /** TLS certificate expiry, Unix seconds (tcp with tls only). */
  tlsCertExpiry?: number;
  /** Path probes: the hops found (type path only). */
  path?: PathResult;
  /** Type-specific gauges (http, dns, path), in a stable order. */
  gauges?: readonly ProbeGauge[];
}

/** What a TLS handshake showed (blackbox's `probe_ssl_*` and `probe_tls_version_info`). */
export interface TlsInfo {
  /** Earliest `notAfter` of the certificates the peer sent, Unix seconds. */
  earliestCertExpiry: number;
  /** Earliest `notAfter` of the verified chain, Unix seconds (Go's zero time when unverified). */
  lastChainExpiry: number;
  /** `TLS 1.2`, `TLS 1.3`, … or `unknown`. */
  version: string;
  /** SHA-256 of the leaf certificate, lower-case hex. */
  fingerprintSha256: string;
  /** The leaf's subject and issuer in RFC 2253 form (`CN=x,O=y`), as Go prints them. */
  subject: string;
  issuer: string;
  /** The leaf's DNS names joined by `,`. */
  subjectAlternative: string;
}

/** A probe kind. `run` performs one attempt; it resolves (never rejects) within `job.timeoutMs`. */
export interface Probe<T extends ProbeType = ProbeType> {
  readonly type: T;
  run(job: ProbeJob<T>, signal: AbortSignal): Promise<ProbeOutcome>;
  /** Releases shared resources (sockets); probes without any leave it out. */
  [Symbol.asyncDispose]?(): PromiseLike<void>;
}
