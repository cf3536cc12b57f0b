/**
 * @module The texts of `GET /probe`: one record's blackbox_exporter families as Prometheus text
 * (no job labels, as blackbox_exporter serves them), and the probe's log in logfmt for
 * `debug=true`.
 */
import { escapeLabelValue, formatValue, labelText } from "../metrics/exposition.ts";
import { familiesOf, probeSamples } from "../results/probe_samples.ts";
import type { ResultRecord } from "../results/types.ts";

/**
 * The exposition of one record, families in `familiesOf()` order (blackbox's, then http/dns), each with its HELP
 * and TYPE, only the sample's own labels (`phase`, `version`, …).
 */
export function probeExposition(record: ResultRecord): string {
  const samples = probeSamples(record);
  const lines: string[] = [];
  for (const fam of familiesOf([record])) {
    const mine = samples.filter((s) => s.name === fam.name);
    if (mine.length === 0) continue;
    lines.push(`# HELP ${fam.name} ${fam.help}`, `# TYPE ${fam.name} ${fam.type}`);
    for (const s of mine) {
      const labels = s.labels?.length ? `{${labelText(s.labels)}}` : "";
      lines.push(`${fam.name}${labels} ${formatValue(s.value)}`);
    }
  }
  return lines.join("\n") + "\n";
}

const logValue = (v: unknown): string => {
  const text = String(v);
  return /^[^\s"=]+$/.test(text) ? text : `"${escapeLabelValue(text)}"`;
};

/** One logfmt line as blackbox_exporter's debug output has them. */
function line(at: Date, record: ResultRecord, level: string, fields: Record<string, unknown>) {
  const all = {
    ts: at.toISOString(),
    caller: "probe",
    module: record.probe,
    target: record.target,
    level,
    ...fields,
  };
  return Object.entries(all).filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${logValue(v)}`).join(" ");
}

/** The log of one probe run: start, resolved address, every type's findings, the result. */
export function probeLog(
  result: { record: ResultRecord; timeoutMs: number },
  started: Date,
): string {
  const r = result.record;
  const end = new Date(started.getTime() + r.durationSeconds * 1000);
  const out = [
    line(started, r, "info", {
      msg: "Beginning probe",
      probe: r.type,
      timeout_seconds: result.timeoutMs / 1000,
    }),
  ];
  if (r.ipAddress) {
    out.push(line(started, r, "info", {
      msg: "Resolved target address",
      ip: r.ipAddress,
      lookup_seconds: r.dnsLookupSeconds,
    }));
  }
  if (r.tls) {
    out.push(line(end, r, "info", {
      msg: "TLS handshake done",
      version: r.tls.version,
      subject: r.tls.subject,
      earliest_cert_expiry: new Date(r.tls.earliestCertExpiry * 1000).toISOString(),
    }));
  }
  if (r.icmp) {
    out.push(line(end, r, "info", {
      msg: "Echo replies",
      sent: r.icmp.sent,
      received: r.icmp.received,
      rtt_avg_seconds: r.icmp.received ? r.icmp.avgSeconds : undefined,
      reply_hop_limit: r.icmpReplyHopLimit,
    }));
  }
  if (r.success) {
    out.push(line(end, r, "info", { msg: "Probe succeeded", duration_seconds: r.durationSeconds }));
  } else {
    out.push(line(end, r, "error", {
      msg: "Probe failed",
      duration_seconds: r.durationSeconds,
      reason: r.reason,
      err: r.detail,
    }));
  }
  return out.join("\n") + "\n";
}
