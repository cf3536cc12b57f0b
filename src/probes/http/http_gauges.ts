/** @module blackbox_exporter's HTTP prober metrics, as probe gauges. */
import type { ProbeGauge } from "../types.ts";
import type { Phases } from "./round_trip.ts";

/** The HTTP figures of one probe run. */
export interface HttpFigures {
  lookupSeconds: number;
  phases: Phases;
  status: number;
  contentLength: number;
  uncompressedLength: number;
  redirects: number;
  ssl: boolean;
  version: number;
  failedDueToRegex: boolean;
  lastModified?: number;
}

const PHASE_HELP = "Duration of http request by phase, summed over all redirects";
const PHASES = ["resolve", "connect", "tls", "processing", "transfer"] as const;
/** One label list per phase, shared by every run: encoders cache their bytes by identity. */
const PHASE_LABELS = PHASES.map((phase) => [["phase", phase] as const] as const);

/** The gauges of one run, in blackbox's names, order and meanings. */
export function httpGauges(f: HttpFigures): ProbeGauge[] {
  const g = (name: string, help: string, value: number): ProbeGauge => ({ name, help, value });
  const out: ProbeGauge[] = [
    g(
      "probe_dns_lookup_time_seconds",
      "Returns the time taken for probe dns lookup in seconds",
      f.lookupSeconds,
    ),
  ];
  for (let i = 0; i < PHASES.length; i++) {
    out.push({
      name: "probe_http_duration_seconds",
      help: PHASE_HELP,
      value: f.phases[PHASES[i]!],
      labels: PHASE_LABELS[i],
    });
  }
  out.push(
    g("probe_http_status_code", "Response HTTP status code", f.status),
    g("probe_http_content_length", "Length of http content response", f.contentLength),
    g(
      "probe_http_uncompressed_body_length",
      "Length of uncompressed response body",
      f.uncompressedLength,
    ),
    g("probe_http_redirects", "The number of redirects", f.redirects),
    g("probe_http_ssl", "Indicates if SSL was used for the final redirect", f.ssl ? 1 : 0),
    g("probe_http_version", "Returns the version of HTTP of the probe response", f.version),
    g(
      "probe_failed_due_to_regex",
      "Indicates if probe failed due to regex",
      f.failedDueToRegex ? 1 : 0,
    ),
  );
  if (f.lastModified !== undefined) {
    out.push(
      g(
        "probe_http_last_modified_timestamp_seconds",
        "Returns the Last-Modified HTTP response header in unixtime",
        f.lastModified,
      ),
    );
  }
  return out;
}
