/**
 * @module A resource record as text, in the presentation format blackbox_exporter's regexes see
 * (miekg/dns `RR.String()`): `name.<TAB>ttl<TAB>IN<TAB>TYPE<TAB>rdata`, names fully qualified.
 */
import type { Answer } from "dns-packet";

const fqdn = (n: unknown) => {
  const s = String(n ?? "");
  return s === "" || s === "." ? "." : s.endsWith(".") ? s : `${s}.`;
};
const quoted = (s: string) => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;
const text = (d: unknown): string => {
  if (Array.isArray(d)) return d.map(text).join(" ");
  if (d instanceof Uint8Array) return quoted(new TextDecoder().decode(d));
  return quoted(String(d));
};

/**
 * The presentation text of one record.
 *
 * @example
 * ```ts
 * import { rrText } from "./rr_text.ts";
 * const t = rrText({ type: "MX", name: "example.com", ttl: 300, data: { preference: 10, exchange: "mx.example.com" } });
 * if (t !== "example.com.\t300\tIN\tMX\t10 mx.example.com.") throw new Error(t);
 * ```
 */
export function rrText(rr: Answer): string {
  // deno-lint-ignore no-explicit-any
  const r = rr as any;
  const head = `${fqdn(r.name)}\t${r.ttl ?? 0}\t${r.class ?? "IN"}\t${r.type}\t`;
  const d = r.data;
  switch (r.type) {
    case "A":
    case "AAAA":
      return head + String(d);
    case "CNAME":
    case "NS":
    case "PTR":
    case "DNAME":
      return head + fqdn(d);
    case "MX":
      return head + `${d.preference} ${fqdn(d.exchange)}`;
    case "SOA":
      return head +
        `${fqdn(d.mname)} ${
          fqdn(d.rname)
        } ${d.serial} ${d.refresh} ${d.retry} ${d.expire} ${d.minimum}`;
    case "SRV":
      return head + `${d.priority} ${d.weight} ${d.port} ${fqdn(d.target)}`;
    case "TXT":
      return head + text(d);
    case "CAA":
      return head + `${d.flags ?? 0} ${d.tag} ${quoted(String(d.value))}`;
    case "OPT":
      return `.\t0\tCLASS${r.udpPayloadSize ?? 0}\tOPT\t`;
    default: {
      const bytes = d instanceof Uint8Array ? d : new Uint8Array();
      const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
      return head + `\\# ${bytes.length} ${hex}`;
    }
  }
}
