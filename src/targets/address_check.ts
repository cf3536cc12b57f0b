/**
 * @module Validation of target addresses as sources write them: `host`, `host:port`, IPv4,
 * `[IPv6]:port`, bare IPv6 and DNS names.
 */
import { looksLikeUrl, urlProblem } from "../net/target_url.ts";
import { hasTwoColons } from "../net/address.ts";

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const DNS_LABEL = /^[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?$/;
const PORT = /^\d{1,5}$/;

/** True for a dotted-quad IPv4 address. */
export function isIpv4(text: string): boolean {
  return IPV4.test(text);
}

/** True for an IPv6 address (with an optional `%zone`), without brackets. */
export function isIpv6(text: string): boolean {
  // Two colons or more, or it is no IPv6 address: IPv4 `host:port` ends here without the splits.
  if (!hasTwoColons(text)) return false;
  const [addr, zone, extra] = text.split("%");
  if (addr === undefined || extra !== undefined || zone === "") return false;
  if (zone !== undefined && !/^[a-zA-Z0-9_.-]{1,32}$/.test(zone)) return false;
  if (!/^[0-9a-fA-F:.]+$/.test(addr) || !addr.includes(":")) return false;
  let groups = addr.split(":");
  const last = groups[groups.length - 1]!;
  let width = 8;
  if (last.includes(".")) {
    if (!isIpv4(last)) return false;
    groups = groups.slice(0, -1);
    width = 6;
    if (groups[groups.length - 1] === "") groups.push("");
  }
  const text2 = groups.join(":");
  const halves = text2.split("::");
  if (halves.length > 2) return false;
  const parts = (s: string) => s === "" ? [] : s.split(":");
  const head = parts(halves[0]!);
  const tail = halves.length === 2 ? parts(halves[1]!) : [];
  if (![...head, ...tail].every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  const count = head.length + tail.length;
  return halves.length === 2 ? count < width : count === width;
}

/** True for a DNS host name (letters, digits, `-`, `_`; labels ≤ 63, total ≤ 253). */
export function isDnsName(text: string): boolean {
  const name = text.endsWith(".") ? text.slice(0, -1) : text;
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split(".");
  // An all-numeric dotted name must be a valid IPv4 address, not a DNS name.
  if (labels.every((l) => /^\d+$/.test(l))) return false;
  return labels.every((l) => DNS_LABEL.test(l));
}

function checkPort(port: string): string | undefined {
  if (!PORT.test(port)) return `port "${port}" is not a number`;
  const n = Number(port);
  return n >= 1 && n <= 65535 ? undefined : `port ${n} is out of range 1-65535`;
}

/**
 * Checks one address; returns undefined when valid, else what is wrong.
 *
 * @example
 * ```ts
 * import { addressProblem } from "./address_check.ts";
 * if (addressProblem("[::1]:22") !== undefined) throw new Error();
 * if (addressProblem("db1.example:0") === undefined) throw new Error();
 * ```
 */
export function addressProblem(address: string): string | undefined {
  if (looksLikeUrl(address)) return urlProblem(address); // for http probe modules
  if (address.length === 0) return "address is empty";
  if (address.length > 300) return "address is longer than 300 characters";
  if (address.startsWith("[")) {
    const m = /^\[([^\]]*)\](?::(.*))?$/.exec(address);
    if (!m) return "expected [IPv6]:port";
    if (!isIpv6(m[1]!)) return `"${m[1]}" is not an IPv6 address`;
    return m[2] === undefined ? undefined : checkPort(m[2]);
  }
  if (isIpv6(address)) return undefined;
  const colon = address.lastIndexOf(":");
  const host = colon === -1 ? address : address.slice(0, colon);
  if (colon !== -1) {
    if (host.includes(":")) return "an IPv6 address with a port needs brackets: [addr]:port";
    const bad = checkPort(address.slice(colon + 1));
    if (bad) return bad;
  }
  if (isIpv4(host) || isDnsName(host)) return undefined;
  return `"${host}" is not an IPv4 address or a DNS name`;
}
