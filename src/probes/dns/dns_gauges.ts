/** @module blackbox_exporter's DNS prober metrics, as probe gauges. */
import type { ProbeGauge } from "../types.ts";

/** The DNS figures of one probe run. */
export interface DnsFigures {
  lookupSeconds: number;
  resolveSeconds: number;
  connectSeconds: number;
  requestSeconds: number;
  answer: number;
  authority: number;
  additional: number;
  succeeded: boolean;
  serial?: number;
}

/** The gauges of one run, in blackbox's names and meanings. */
export function dnsGauges(f: DnsFigures): ProbeGauge[] {
  const phase = "Duration of DNS request by phase";
  const out: ProbeGauge[] = [
    {
      name: "probe_dns_lookup_time_seconds",
      help: "Returns the time taken for probe dns lookup in seconds",
      value: f.lookupSeconds,
    },
    {
      name: "probe_dns_duration_seconds",
      help: phase,
      value: f.resolveSeconds,
      labels: [["phase", "resolve"]],
    },
    {
      name: "probe_dns_duration_seconds",
      help: phase,
      value: f.connectSeconds,
      labels: [["phase", "connect"]],
    },
    {
      name: "probe_dns_duration_seconds",
      help: phase,
      value: f.requestSeconds,
      labels: [["phase", "request"]],
    },
    {
      name: "probe_dns_answer_rrs",
      help: "Returns number of entries in the answer resource record list",
      value: f.answer,
    },
    {
      name: "probe_dns_authority_rrs",
      help: "Returns number of entries in the authority resource record list",
      value: f.authority,
    },
    {
      name: "probe_dns_additional_rrs",
      help: "Returns number of entries in the additional resource record list",
      value: f.additional,
    },
    {
      name: "probe_dns_query_succeeded",
      help: "Displays whether or not the query was executed successfully",
      value: f.succeeded ? 1 : 0,
    },
  ];
  if (f.serial !== undefined) {
    out.push({
      name: "probe_dns_serial",
      help: "Returns the serial number of the zone",
      value: f.serial,
    });
  }
  return out;
}
