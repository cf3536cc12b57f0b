/**
 * @module Per-module socket options every probe socket we open ourselves can take: `dscp`
 * (`IP_TOS` / `IPV6_TCLASS`), `source_ip` (bind), `source_interface` (`SO_BINDTODEVICE`) and
 * `dont_fragment` (`IP_MTU_DISCOVER = IP_PMTUDISC_DO`, `IPV6_DONTFRAG`). One function applies
 * them to a socket; probes (icmp, udp, tcp, path) share it.
 */
import { C, type Libc } from "../icmp/libc.ts";
import { encodeSockaddr } from "../icmp/sockaddr.ts";

/** The options, as a module's config gives them. */
export interface SocketOptions {
  /** 0–63: the DiffServ code point, the upper six bits of the TOS / traffic class byte. */
  dscp?: number;
  /** Local address to send from (of the probed family). */
  sourceIp?: string;
  /** Interface to send through (`SO_BINDTODEVICE`). */
  sourceInterface?: string;
  /** Set DF (IPv4) / never fragment locally (IPv6). */
  dontFragment?: boolean;
}

/** A module without socket options: one (frozen) object for every probe run. */
const NO_OPTIONS: SocketOptions = Object.freeze({});

/**
 * The options a module config gives (`dscp`, `source_ip`, `source_interface`, `dont_fragment`);
 * a module with none gets one shared frozen object.
 */
export function moduleSocketOptions(
  options: {
    dscp?: number;
    source_ip?: string;
    source_interface?: string;
    dont_fragment?: boolean;
  },
  family: 4 | 6,
): SocketOptions {
  if (
    options.dscp === undefined && options.source_ip === undefined &&
    options.source_interface === undefined && !options.dont_fragment
  ) return NO_OPTIONS;
  const out: SocketOptions = {};
  if (options.dscp !== undefined) out.dscp = options.dscp;
  if (options.source_ip !== undefined && options.source_ip.includes(":") === (family === 6)) {
    out.sourceIp = options.source_ip;
  }
  if (options.source_interface !== undefined) out.sourceInterface = options.source_interface;
  if (options.dont_fragment) out.dontFragment = true;
  return out;
}

/** A stable key for sockets that may be shared between probes with the same options; "" for none. */
export function socketOptionsKey(o: SocketOptions = {}): string {
  if (o.dscp === undefined && !o.sourceIp && !o.sourceInterface && !o.dontFragment) return "";
  return `${o.dscp ?? ""}|${o.sourceIp ?? ""}|${o.sourceInterface ?? ""}|${o.dontFragment ? 1 : 0}`;
}

/**
 * Applies `o` to the socket `fd` of `family` before its first send (binding keeps `port`, 0 by
 * default); returns why one failed (e.g. `Cannot bind source_ip 10.9.9.9: errno 99`), else undefined.
 */
export function applySocketOptions(
  libc: Libc,
  fd: number,
  family: 4 | 6,
  o: SocketOptions,
): string | undefined {
  const f = libc.symbols;
  const int = (v: number) => new Uint8Array(new Int32Array([v]).buffer);
  const set = (level: number, name: number, value: Uint8Array, what: string) =>
    f.setsockopt(fd, level, name, value, value.byteLength) === 0
      ? undefined
      : `Cannot set ${what}: errno ${libc.errno()}`;
  if (o.dscp !== undefined) {
    const why = family === 4
      ? set(C.IPPROTO_IP, C.IP_TOS, int(o.dscp << 2), `dscp ${o.dscp}`)
      : set(C.IPPROTO_IPV6, C.IPV6_TCLASS, int(o.dscp << 2), `dscp ${o.dscp}`);
    if (why) return why;
  }
  if (o.dontFragment) {
    const why = family === 4
      ? set(C.IPPROTO_IP, C.IP_MTU_DISCOVER, int(C.IP_PMTUDISC_DO), "dont_fragment")
      : set(C.IPPROTO_IPV6, C.IPV6_MTU_DISCOVER, int(C.IPV6_PMTUDISC_DO), "dont_fragment") ??
        set(C.IPPROTO_IPV6, C.IPV6_DONTFRAG, int(1), "dont_fragment");
    if (why) return why;
  }
  if (o.sourceInterface) {
    const name = new TextEncoder().encode(`${o.sourceInterface}\0`);
    const why = set(C.SOL_SOCKET, C.SO_BINDTODEVICE, name, `source_interface ${o.sourceInterface}`);
    if (why) return why;
  }
  if (o.sourceIp) {
    let sa: Uint8Array;
    try {
      sa = encodeSockaddr(o.sourceIp, family);
    } catch {
      return `Cannot bind source_ip ${o.sourceIp}: not an IPv${family} address`;
    }
    if (f.bind(fd, sa, sa.byteLength) !== 0) {
      return `Cannot bind source_ip ${o.sourceIp}: errno ${libc.errno()}`;
    }
  }
  return undefined;
}
