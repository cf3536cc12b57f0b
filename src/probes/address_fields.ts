/**
 * @module The address part of every probe outcome, as blackbox_exporter reports it: IP family
 * (`probe_ip_protocol`), lookup time (`probe_dns_lookup_time_seconds`) and a hash of the address
 * (`probe_ip_addr_hash`, to see when a name's address changes).
 */
import type { Resolved } from "../net/resolver.ts";
import type { ProbeOutcome } from "./types.ts";
import { ipBytes } from "./icmp/sockaddr.ts";

/** The outcome fields that describe the resolved address. */
export type AddressFields = Pick<
  ProbeOutcome,
  "ipProtocol" | "ipAddress" | "ipAddrHash" | "dnsLookupSeconds"
>;

/**
 * FNV-1a (32 bit) of the address bytes: 4 for IPv4 and IPv4-mapped IPv6, else 16 — the value
 * blackbox_exporter's `probe_ip_addr_hash` gives for the same address.
 *
 * @example
 * ```ts
 * import { ipAddrHash } from "./address_fields.ts";
 * if (ipAddrHash("127.0.0.1", 4) !== 3668918509) throw new Error("not blackbox's hash");
 * ```
 */
export function ipAddrHash(ip: string, family: 4 | 6): number {
  let bytes = ipBytes(ip, family);
  const mapped = family === 6 && bytes.subarray(0, 10).every((b) => b === 0) &&
    bytes[10] === 0xff && bytes[11] === 0xff;
  if (mapped) bytes = bytes.subarray(12);
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

/** Hashes of the addresses probed lately (every probe asks; the targets are few). */
const hashes = new Map<string, number | undefined>();
const HASHES_MAX = 65_536;

/** The fields for `resolved`, found after `lookupSeconds` of resolving. */
export function addressFields(resolved: Resolved, lookupSeconds: number): AddressFields {
  const key = resolved.family === 4 ? resolved.ip : `6|${resolved.ip}`;
  let hash = hashes.get(key);
  if (hash === undefined && !hashes.has(key)) {
    try {
      hash = ipAddrHash(resolved.ip, resolved.family);
    } catch {
      hash = undefined; // an injected resolver's odd text: no hash rather than a crash
    }
    if (hashes.size >= HASHES_MAX) hashes.clear();
    hashes.set(key, hash);
  }
  return {
    ipProtocol: resolved.family,
    ipAddress: resolved.ip,
    ipAddrHash: hash,
    dnsLookupSeconds: lookupSeconds,
  };
}
