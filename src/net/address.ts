/** @module Target addresses: `host`, `host:port`, IPv4, `[v6]:port`, bare IPv6, DNS names. */

/** A parsed target address. */
export interface Address {
  host: string;
  port?: number;
  /** 4 or 6 for IP literals, undefined for names. */
  family?: 4 | 6;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HOSTNAME =
  /^(?=.{1,253}$)([a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?)(\.[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?)*\.?$/;

/** True for a dotted-quad IPv4 literal. */
export function isIPv4(text: string): boolean {
  return IPV4.test(text);
}

/** True when `text` holds two `:` or more (no allocation). */
export function hasTwoColons(text: string): boolean {
  const first = text.indexOf(":");
  return first !== -1 && text.indexOf(":", first + 1) !== -1;
}

/**
 * True for an IPv6 literal (no brackets, no zone), with an optional dotted IPv4 tail.
 *
 * @example
 * ```ts
 * import { isIPv6 } from "./address.ts";
 * if (!isIPv6("::1") || !isIPv6("::ffff:10.0.0.1") || isIPv6("1.2.3.4::")) throw new Error();
 * ```
 */
export function isIPv6(text: string): boolean {
  // Every IPv6 literal has two colons or more: `host:port` and names end here, before the splits
  // below build their arrays and strings (~500 B of garbage per IPv4 `host:port`).
  if (!hasTwoColons(text) || !/^[0-9a-fA-F:.]+$/.test(text)) return false;
  // A dotted IPv4 part may only be the last group.
  const tailStart = text.lastIndexOf(":") + 1;
  const tail = text.slice(tailStart);
  const v4tail = tail.includes(".");
  if (v4tail && !isIPv4(tail)) return false;
  const head = v4tail ? text.slice(0, tailStart) + "0:0" : text;
  const parts = head.split("::");
  if (parts.length > 2) return false;
  const groups = (s: string) => s === "" ? [] : s.split(":");
  const all = [...groups(parts[0]!), ...groups(parts[1] ?? "")];
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  return parts.length === 2 ? all.length < 8 : all.length === 8;
}

/**
 * Parses a target address; throws `SyntaxError` naming what is wrong.
 *
 * @example
 * ```ts
 * import { parseAddress } from "./address.ts";
 * const a = parseAddress("[::1]:22");
 * if (a.host !== "::1" || a.port !== 22 || a.family !== 6) throw new Error();
 * ```
 */
export function parseAddress(text: string): Address {
  const fail = (why: string): never => {
    throw new SyntaxError(`Cannot parse address "${text}": ${why}`, { cause: why });
  };
  if (text.length === 0 || text.length > 300) fail("expected 1 to 300 characters");
  let host = text;
  let portText: string | undefined;
  if (text.startsWith("[")) {
    const end = text.indexOf("]");
    if (end < 0) fail("no closing ]");
    host = text.slice(1, end);
    const rest = text.slice(end + 1);
    if (rest !== "") {
      if (!rest.startsWith(":")) fail("expected :port after ]");
      portText = rest.slice(1);
    }
    if (!isIPv6(host)) fail("expected an IPv6 address inside [ ]");
  } else if (isIPv6(text)) {
    return { host: text, family: 6 };
  } else {
    const colon = text.lastIndexOf(":");
    if (colon !== text.indexOf(":")) fail("expected an IPv6 address, or [IPv6]:port with a port");
    if (colon >= 0) {
      host = text.slice(0, colon);
      portText = text.slice(colon + 1);
    }
  }
  let port: number | undefined;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText)) fail(`port "${portText}" is not a number`);
    port = Number(portText);
    if (port < 1 || port > 65535) fail(`port ${port} is out of range 1-65535`);
  }
  if (isIPv4(host)) return { host, port, family: 4 };
  if (isIPv6(host)) return { host, port, family: 6 };
  if (/^[\d.]+$/.test(host)) fail("not a valid IPv4 address");
  if (!HOSTNAME.test(host)) fail("expected an IP address or a DNS name");
  return { host, port };
}
