/**
 * @module What blackbox_exporter reports of a TLS handshake, from `node:tls`'s peer certificate:
 * expiries, the leaf's fingerprint, subject, issuer and DNS names, and the protocol version.
 * Pure: takes the certificate object, returns {@linkcode TlsInfo}.
 */
import type { TlsInfo } from "./types.ts";

/** The parts of `node:tls`'s `DetailedPeerCertificate` read here. */
export interface PeerCertificate {
  subject?: object;
  issuer?: object;
  subjectaltname?: string;
  fingerprint256?: string;
  valid_to?: string;
  issuerCertificate?: PeerCertificate;
}

/**
 * Go's `time.Time{}.Unix()`: what blackbox_exporter reports as the last chain expiry when no chain
 * was verified (`insecure_skip_verify`). Kept for the same values on the same peer.
 */
export const GO_ZERO_TIME_UNIX = -62135596800;

/**
 * A distinguished name as Go's `pkix.Name.String()` prints it: RFC 2253, last RDN first,
 * e.g. `CN=localhost,O=Test Org,C=DE`.
 *
 * @example
 * ```ts
 * import { distinguishedName } from "./tls_info.ts";
 * if (distinguishedName({ C: "DE", O: "A,B", CN: "x" }) !== "CN=x,O=A\\,B,C=DE") throw new Error();
 * ```
 */
export function distinguishedName(name: object | undefined): string {
  if (!name) return "";
  const escape = (v: string) =>
    v.replace(/[,+"\\<>;]/g, (c) => `\\${c}`).replace(/^[ #]/, (c) => `\\${c}`)
      .replace(/ $/, "\\ ");
  const parts: string[] = [];
  for (const [key, value] of Object.entries(name)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      parts.push(`${key}=${escape(String(v))}`);
    }
  }
  return parts.reverse().join(",");
}

/** `TLSv1.3` → `TLS 1.3` (Go's names); anything else → `unknown`. */
export function tlsVersionName(protocol: string | null | undefined): string {
  const m = /^TLSv(1(?:\.[0-3])?)$/.exec(protocol ?? "");
  if (!m) return "unknown";
  return `TLS ${m[1] === "1" ? "1.0" : m[1]}`;
}

const expiry = (c: PeerCertificate): number | undefined => {
  const t = c.valid_to ? Date.parse(c.valid_to) / 1000 : NaN;
  return Number.isFinite(t) ? t : undefined;
};

/**
 * The TLS details of a completed handshake. `verified`: the chain was checked against the
 * trust store (then the last chain expiry is the chain's earliest `notAfter`).
 */
export function tlsInfo(
  leaf: PeerCertificate | undefined,
  protocol: string | null | undefined,
  verified: boolean,
): TlsInfo | undefined {
  if (!leaf || !leaf.valid_to) return undefined;
  let earliest = Infinity;
  const seen = new Set<PeerCertificate>();
  for (let c: PeerCertificate | undefined = leaf; c && !seen.has(c); c = c.issuerCertificate) {
    seen.add(c);
    earliest = Math.min(earliest, expiry(c) ?? Infinity);
  }
  if (!Number.isFinite(earliest)) return undefined;
  const sans = (leaf.subjectaltname ?? "").split(/,\s*/).filter((s) => s.startsWith("DNS:"))
    .map((s) => s.slice(4));
  return {
    earliestCertExpiry: earliest,
    lastChainExpiry: verified ? earliest : GO_ZERO_TIME_UNIX,
    version: tlsVersionName(protocol),
    fingerprintSha256: (leaf.fingerprint256 ?? "").replaceAll(":", "").toLowerCase(),
    subject: distinguishedName(leaf.subject),
    issuer: distinguishedName(leaf.issuer),
    subjectAlternative: sans.join(","),
  };
}
