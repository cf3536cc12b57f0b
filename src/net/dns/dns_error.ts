/** @module DNS failures in plain words, with what a cache needs to remember them. */
import type { DnsServer } from "./types.ts";

/** Why a lookup failed. */
export type DnsErrorKind = "nxdomain" | "nodata" | "rcode" | "timeout" | "malformed" | "network";

/** A failed DNS lookup; `message` is what an operator reads. */
export class DnsError extends Error {
  override name = "DnsError";
  /** How long the failure may be cached, in seconds (from the SOA minimum), if known. */
  ttlSeconds?: number;
  constructor(readonly kind: DnsErrorKind, message: string, ttlSeconds?: number) {
    super(message);
    this.ttlSeconds = ttlSeconds;
  }
}

/** `127.0.0.53` or `127.0.0.53:5353` or `[::1]:5353`. */
export function serverText(s: DnsServer): string {
  if (s.port === 53) return s.ip;
  return s.family === 6 ? `[${s.ip}]:${s.port}` : `${s.ip}:${s.port}`;
}

const RCODE_WORDS: Record<string, string> = {
  SERVFAIL: "server failure",
  REFUSED: "query refused",
  FORMERR: "format error",
  NOTIMP: "not implemented",
};

/** The error for a response code other than NOERROR and NXDOMAIN. */
export function rcodeError(rcode: string, server: DnsServer): DnsError {
  const words = RCODE_WORDS[rcode] ?? "error";
  return new DnsError("rcode", `${words} (${rcode}) from ${serverText(server)}`);
}

/** `no answer in 2s from 127.0.0.53, 10.0.0.1`. */
export function timeoutError(ms: number, servers: readonly DnsServer[]): DnsError {
  const timeoutMs = Math.round(ms);
  const t = timeoutMs % 1000 === 0 ? `${timeoutMs / 1000}s` : `${timeoutMs}ms`;
  return new DnsError("timeout", `no answer in ${t} from ${servers.map(serverText).join(", ")}`);
}
