/**
 * @module ICMP and ICMPv6 echo packets: build a request, decode what a socket hands back into a
 * reply or a reason to ignore it. Pure; no I/O.
 */
import { internetChecksum } from "./checksum.ts";

/** Echo request/reply types per family. */
export const ECHO = {
  4: { request: 8, reply: 0 },
  6: { request: 128, reply: 129 },
} as const;

/** Bytes of the per-run cookie at the start of every payload. */
export const COOKIE_BYTES = 8;

/** What one echo request carries. */
export interface EchoRequest {
  family: 4 | 6;
  identifier: number;
  sequence: number;
  /** Per-run random bytes; the payload starts with them (as many as fit). */
  cookie: Uint8Array;
  /** Payload bytes after the 8-byte ICMP header. */
  size: number;
}

/**
 * Builds an echo request. IPv4 gets its checksum here; for ICMPv6 the kernel fills it in
 * (it covers a pseudo-header only the kernel knows for sure).
 */
export function buildEchoRequest(
  req: EchoRequest,
  packet: Uint8Array = new Uint8Array(8 + req.size),
): Uint8Array {
  packet[0] = ECHO[req.family].request;
  packet[1] = packet[2] = packet[3] = 0;
  packet[4] = (req.identifier >> 8) & 0xff;
  packet[5] = req.identifier & 0xff;
  packet[6] = (req.sequence >> 8) & 0xff;
  packet[7] = req.sequence & 0xff;
  for (let i = 0; i < req.size; i++) {
    packet[8 + i] = i < req.cookie.length ? req.cookie[i]! : i & 0xff;
  }
  if (req.family === 4) {
    const sum = internetChecksum(packet);
    packet[2] = sum >> 8;
    packet[3] = sum & 0xff;
  }
  return packet;
}

/** Why a received packet was not taken as a reply. */
export type IgnoreReason =
  | "short"
  | "checksum"
  | "echo_request"
  | "other_type"
  | "foreign"
  | "mismatch"
  | "duplicate";

/** Every ignore reason, for metric pre-registration. */
export const IGNORE_REASONS: readonly IgnoreReason[] = [
  "short",
  "checksum",
  "echo_request",
  "other_type",
  "foreign",
  "mismatch",
  "duplicate",
];

/** A decoded echo reply. `payload` is a view into the received bytes. */
export interface EchoReply {
  identifier: number;
  sequence: number;
  payload: Uint8Array;
  /** The IPv4 header's TTL, when the packet came with its IP header (raw IPv4 sockets). */
  hopLimit?: number;
}

/** Where {@linkcode parseEchoReply} puts a reply's fields (reused across packets). */
export interface EchoReplyFields {
  identifier: number;
  sequence: number;
  /** The payload is `bytes[payloadOffset, end)`. */
  payloadOffset: number;
  /** The IPv4 header's TTL (raw IPv4 sockets), else -1. */
  hopLimit: number;
}

/**
 * Parses the packet `bytes[offset, offset + length)` into `out` without allocating; returns
 * undefined for an echo reply, else why it is not one. `withIpHeader` is true for IPv4 raw
 * sockets (the kernel hands them the IP header); datagram sockets and all ICMPv6 sockets get
 * the ICMP message alone.
 */
export function parseEchoReply(
  bytes: Uint8Array,
  offset: number,
  length: number,
  family: 4 | 6,
  withIpHeader: boolean,
  out: EchoReplyFields,
): IgnoreReason | undefined {
  const end = offset + length;
  let start = offset;
  if (withIpHeader) {
    if (length < 20 || bytes[offset]! >> 4 !== 4) return "short";
    const ihl = (bytes[offset]! & 0x0f) * 4;
    if (ihl < 20) return "short";
    start += ihl;
  }
  if (end - start < 8) return "short";
  const type = bytes[start]!;
  if (family === 4 && internetChecksum(bytes, start, end) !== 0) return "checksum";
  if (type === ECHO[family].request) return "echo_request";
  if (type !== ECHO[family].reply || bytes[start + 1] !== 0) return "other_type";
  out.identifier = (bytes[start + 4]! << 8) | bytes[start + 5]!;
  out.sequence = (bytes[start + 6]! << 8) | bytes[start + 7]!;
  out.payloadOffset = start + 8;
  out.hopLimit = withIpHeader ? bytes[offset + 8]! : -1;
  return undefined;
}

/**
 * Decodes a received packet (a copying form of {@linkcode parseEchoReply}): the reply, or why
 * it is not one.
 */
export function decodeEchoReply(
  bytes: Uint8Array,
  family: 4 | 6,
  withIpHeader: boolean,
): EchoReply | IgnoreReason {
  const out: EchoReplyFields = { identifier: 0, sequence: 0, payloadOffset: 0, hopLimit: -1 };
  const why = parseEchoReply(bytes, 0, bytes.length, family, withIpHeader, out);
  if (why !== undefined) return why;
  return {
    identifier: out.identifier,
    sequence: out.sequence,
    payload: bytes.subarray(out.payloadOffset),
    hopLimit: out.hopLimit < 0 ? undefined : out.hopLimit,
  };
}
