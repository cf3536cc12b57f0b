/**
 * @module What an ICMP error about one of our packets means for the probe that sent it: the
 * reason and a detail an operator reads (`ICMP destination unreachable (type 3, code 1: host
 * unreachable) from 10.0.12.2`). Pure; the decoded error comes from {@linkcode decodeSocketError}.
 */
import type { FailureReason } from "../types.ts";

/** Who reported the error (`sock_extended_err.ee_origin`). */
export type ErrorOrigin = "local" | "icmp" | "icmp6" | "other";

/** One error the kernel queued on a socket about a packet it sent (`IP_RECVERR`). */
export interface SocketError {
  /** The errno the kernel maps it to (ECONNREFUSED, EHOSTUNREACH, EMSGSIZE…). */
  errno: number;
  origin: ErrorOrigin;
  /** ICMP type and code (origin icmp / icmp6). */
  type: number;
  code: number;
  /** The next-hop MTU for "fragmentation needed" / "packet too big" and local EMSGSIZE. */
  info: number;
  /** The router or host that sent the ICMP error, when the kernel says. */
  offender?: string;
  /** Where the packet in error was going: its destination address and port (0 for ICMP). */
  destination?: string;
  port: number;
  /** The start of the packet in error as we sent it, after its IP header (ICMP or UDP payload). */
  original: Uint8Array;
  /** `CLOCK_REALTIME` ns the kernel received the error, when the socket has `SO_TIMESTAMPNS`. */
  stampNs?: number;
}

const V4_UNREACHABLE: Record<number, string> = {
  0: "net unreachable",
  1: "host unreachable",
  2: "protocol unreachable",
  3: "port unreachable",
  4: "fragmentation needed",
  5: "source route failed",
  6: "destination net unknown",
  7: "destination host unknown",
  9: "net administratively prohibited",
  10: "host administratively prohibited",
  11: "net unreachable for TOS",
  12: "host unreachable for TOS",
  13: "communication administratively prohibited",
};

const V6_UNREACHABLE: Record<number, string> = {
  0: "no route to destination",
  1: "administratively prohibited",
  2: "beyond scope of source address",
  3: "address unreachable",
  4: "port unreachable",
  5: "source address failed policy",
  6: "reject route to destination",
};

const ERRNO_TEXT: Record<number, string> = {
  90: "message too long",
  101: "network unreachable",
  111: "connection refused",
  113: "no route to host",
};

/** The reason and detail of a queued socket error. */
export function icmpErrorOutcome(e: SocketError): { reason: FailureReason; detail: string } {
  const from = e.offender ? ` from ${e.offender}` : "";
  const mtu = e.info > 0 ? ` (mtu ${e.info})` : "";
  if (e.origin === "icmp") {
    const what = (name: string, text?: string) =>
      `ICMP ${name} (type ${e.type}, code ${e.code}${text ? `: ${text}` : ""})${from}`;
    if (e.type === 3 && e.code === 3) {
      return { reason: "refused", detail: what("destination unreachable", "port unreachable") };
    }
    if (e.type === 3 && e.code === 4) {
      return {
        reason: "unreachable",
        detail: `message too long: ${
          what("destination unreachable", "fragmentation needed")
        }${mtu}`,
      };
    }
    if (e.type === 3) {
      return {
        reason: "unreachable",
        detail: what("destination unreachable", V4_UNREACHABLE[e.code]),
      };
    }
    if (e.type === 11) {
      return {
        reason: "unreachable",
        detail: what(
          "time exceeded",
          e.code === 0 ? "TTL exceeded in transit" : "fragment reassembly time exceeded",
        ),
      };
    }
    if (e.type === 12) return { reason: "error", detail: what("parameter problem") };
    return { reason: "error", detail: what("error") };
  }
  if (e.origin === "icmp6") {
    const what = (name: string, text?: string) =>
      `ICMPv6 ${name} (type ${e.type}, code ${e.code}${text ? `: ${text}` : ""})${from}`;
    if (e.type === 1 && e.code === 4) {
      return { reason: "refused", detail: what("destination unreachable", "port unreachable") };
    }
    if (e.type === 1) {
      return {
        reason: "unreachable",
        detail: what("destination unreachable", V6_UNREACHABLE[e.code]),
      };
    }
    if (e.type === 2) {
      return { reason: "unreachable", detail: `message too long: ${what("packet too big")}${mtu}` };
    }
    if (e.type === 3) {
      return {
        reason: "unreachable",
        detail: what(
          "time exceeded",
          e.code === 0 ? "hop limit exceeded in transit" : "fragment reassembly time exceeded",
        ),
      };
    }
    if (e.type === 4) return { reason: "error", detail: what("parameter problem") };
    return { reason: "error", detail: what("error") };
  }
  const text = ERRNO_TEXT[e.errno] ?? `errno ${e.errno}`;
  if (e.errno === 90) {
    return { reason: "unreachable", detail: `message too long: local error${mtu}` };
  }
  const reason: FailureReason = e.errno === 111
    ? "refused"
    : e.errno === 101 || e.errno === 113
    ? "unreachable"
    : "error";
  return { reason, detail: `${text}: local error${from}` };
}
