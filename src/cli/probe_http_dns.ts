/** @module The http and dns parts of `vmprober probe`: their flags → a probe module, and output. */
import type { ProbeOutcome } from "../probes/types.ts";
import { UsageError } from "./args.ts";

/** Flags only http and dns one-shots take (merged into `vmprober probe`'s). */
export const HTTP_DNS_FLAGS = {
  method: { type: "string" },
  header: { type: "string", multiple: true },
  body: { type: "string" },
  status: { type: "string" },
  "no-follow": { type: "boolean" },
  "ca-file": { type: "string" },
  "server-name": { type: "string" },
  insecure: { type: "boolean" },
  name: { type: "string" },
  type: { type: "string" },
  tcp: { type: "boolean" },
  dnssec: { type: "boolean" },
  "dns-server": { type: "string" },
} as const;

type Values = Record<string, string | boolean | string[] | undefined>;

/** The raw module options for an http or dns one-shot (validated by the schema after). */
export function httpDnsModule(kind: "http" | "dns", v: Values): Record<string, unknown> {
  const raw: Record<string, unknown> = { type: kind };
  if (v["dns-server"]) raw.dns_server = v["dns-server"];
  if (kind === "http") {
    if (v.method) raw.method = String(v.method).toUpperCase();
    if (v.body !== undefined) raw.body = v.body;
    if (v["no-follow"]) raw.follow_redirects = false;
    if (v.status) {
      raw.valid_status_codes = String(v.status).split(",").map((s) => {
        if (!/^\d{3}$/.test(s.trim())) {
          throw new UsageError(`--status: expected codes like 200,301, got "${v.status}"`);
        }
        return Number(s);
      });
    }
    const headers: Record<string, string> = {};
    for (const h of (v.header as string[] | undefined) ?? []) {
      const colon = h.indexOf(":");
      if (colon <= 0) throw new UsageError(`--header: expected "Name: value", got "${h}"`);
      headers[h.slice(0, colon).trim()] = h.slice(colon + 1).trim();
    }
    if (Object.keys(headers).length) raw.headers = headers;
    const tls: Record<string, unknown> = {};
    if (v["ca-file"]) tls.ca_file = v["ca-file"];
    if (v["server-name"]) tls.server_name = v["server-name"];
    if (v.insecure) tls.insecure_skip_verify = true;
    if (Object.keys(tls).length) raw.tls = tls;
  } else {
    if (!v.name) throw new UsageError("dns needs the name to ask: --name NAME");
    raw.query_name = v.name;
    raw.query_type = v.type ? String(v.type).toUpperCase() : "A";
    if (v.tcp) raw.transport = "tcp";
    if (v.dnssec) raw.dnssec_ok = true;
  }
  return raw;
}

const series = (g: NonNullable<ProbeOutcome["gauges"]>[number]) =>
  g.name + (g.labels?.length ? `{${g.labels.map(([k, x]) => `${k}="${x}"`).join(",")}}` : "");

/** The type-specific gauges as `  name{labels} value` lines. */
export function gaugeLines(outcome: ProbeOutcome): string[] {
  return (outcome.gauges ?? []).map((g) => `  ${series(g)} ${g.value}`);
}

/** The type-specific gauges as `{"name{labels}": value}` for `--json`. */
export function gaugeObject(outcome: ProbeOutcome): Record<string, number> {
  return Object.fromEntries((outcome.gauges ?? []).map((g) => [series(g), g.value]));
}
