/**
 * @module What an ICMP message read from a raw socket says about one of our path probes: an
 * echo reply from the destination, or an error (time exceeded, destination unreachable) that
 * quotes the start of the packet we sent. The quote (IP header plus at least 8 bytes of ours)
 * gives the protocol, the destination and the identifiers the packet went out with, so a reply
 * is matched to the exact probe that caused it and to no other. Pure; no I/O.
 */
import { internetChecksum } from "../icmp/checksum.ts";
import { ipText } from "../icmp/sockaddr.ts";

/** ICMP types per family. */
export const ICMP_TYPES = {
  4: { echoReply: 0, unreachable: 3, echoRequest: 8, timeExceeded: 11 },
  6: { echoReply: 129, unreachable: 1, echoRequest: 128, timeExceeded: 3 },
} as const;

/** IP protocol numbers of what a path probe sends. */
export const PROTO = { icmp: 1, tcp: 6, udp: 17, icmp6: 58 } as const;

/** What a received ICMP message is, for a path probe. */
export type IcmpQuote =
  | {
    kind: "echo_reply";
    identifier: number;
    sequence: number;
    /** Payload after the 8-byte ICMP header (a view). */
    payload: Uint8Array;
  }
  | {
    kind: "time_exceeded" | "unreachable";
    code: number;
    /** IP protocol of the quoted packet (1 ICMP, 58 ICMPv6, 17 UDP, 6 TCP). */
    protocol: number;
    /** Destination address of the quoted packet, canonical text. */
    destination: string;
    /** ICMP: identifier and sequence of the quoted echo request; UDP/TCP: source and destination port. */
    first: number;
    second: number;
    /** The quoted bytes past the quoted IP header (ours, as sent; may be cut short). */
    quoted: Uint8Array;
  };

/** Why a message was not one a path probe can use. */
export type QuoteIgnoreReason = "short" | "checksum" | "other_type" | "bad_quote";

/**
 * Decodes one message. `withIpHeader`: the bytes start with the IPv4 header (raw IPv4 sockets);
 * ICMPv6 raw sockets hand over the ICMPv6 message alone.
 *
 * @example
 * ```ts
 * import { decodeIcmpQuote } from "./icmp_quote.ts";
 * import { internetChecksum } from "../icmp/checksum.ts";
 * // Time exceeded quoting an IPv4 echo request to 198.19.1.1, identifier 0x1234, sequence 7.
 * const m = new Uint8Array(8 + 20 + 8);
 * m[0] = 11;
 * m.set([0x45, 0, 0, 28, 0, 0, 0, 0, 1, 1, 0, 0, 10, 0, 0, 1, 198, 19, 1, 1], 8);
 * m.set([8, 0, 0, 0, 0x12, 0x34, 0, 7], 28);
 * const sum = internetChecksum(m);
 * m[2] = sum >> 8;
 * m[3] = sum & 0xff;
 * const q = decodeIcmpQuote(m, 4, false);
 * if (typeof q === "string" || q.kind !== "time_exceeded" || q.first !== 0x1234 ||
 *   q.second !== 7 || q.destination !== "198.19.1.1") throw new Error("bad decode");
 * ```
 */
export function decodeIcmpQuote(
  bytes: Uint8Array,
  family: 4 | 6,
  withIpHeader: boolean,
): IcmpQuote | QuoteIgnoreReason {
  let start = 0;
  if (withIpHeader) {
    if (bytes.length < 20 || bytes[0]! >> 4 !== 4) return "short";
    start = (bytes[0]! & 0x0f) * 4;
    if (start < 20) return "short";
  }
  if (bytes.length - start < 8) return "short";
  const t = ICMP_TYPES[family];
  const type = bytes[start]!;
  const code = bytes[start + 1]!;
  if (type !== t.echoReply && type !== t.timeExceeded && type !== t.unreachable) {
    return "other_type";
  }
  // The kernel checks ICMPv6 checksums itself (they cover a pseudo-header); IPv4's are ours to check.
  if (family === 4 && internetChecksum(bytes, start) !== 0) return "checksum";
  const at = (i: number) => ((bytes[i]! << 8) | bytes[i + 1]!);
  if (type === t.echoReply) {
    if (code !== 0) return "other_type";
    return {
      kind: "echo_reply",
      identifier: at(start + 4),
      sequence: at(start + 6),
      payload: bytes.subarray(start + 8),
    };
  }
  const q = start + 8; // the quoted IP header
  let protocol: number;
  let destination: string;
  let body: number;
  if (family === 4) {
    if (bytes.length < q + 20 || bytes[q]! >> 4 !== 4) return "bad_quote";
    body = q + (bytes[q]! & 0x0f) * 4;
    protocol = bytes[q + 9]!;
    destination = ipText(bytes.subarray(q + 16, q + 20));
  } else {
    if (bytes.length < q + 40 || bytes[q]! >> 4 !== 6) return "bad_quote";
    body = q + 40;
    protocol = bytes[q + 6]!;
    destination = ipText(bytes.subarray(q + 24, q + 40));
  }
  if (bytes.length < body + 8) return "bad_quote";
  const icmp = protocol === PROTO.icmp || protocol === PROTO.icmp6;
  if (icmp && bytes[body] !== t.echoRequest) return "bad_quote";
  return {
    kind: type === t.timeExceeded ? "time_exceeded" : "unreachable",
    code,
    protocol,
    destination,
    first: icmp ? at(body + 4) : at(body),
    second: icmp ? at(body + 6) : at(body + 2),
    quoted: bytes.subarray(body),
  };
}
