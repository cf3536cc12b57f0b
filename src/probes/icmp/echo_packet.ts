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
export function buildEchoRequest(req: EchoRequest): Uint8Array {
  const packet = new Uint8Array(8 + req.size);
  packet[0] = ECHO[req.family].request;
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

/**
 * Decodes a received packet. `withIpHeader` is true for IPv4 raw sockets (the kernel hands them
 * the IP header); datagram sockets and all ICMPv6 sockets get the ICMP message alone.
 */
export function decodeEchoReply(
  bytes: Uint8Array,
  family: 4 | 6,
  withIpHeader: boolean,
): EchoReply | IgnoreReason {
  let start = 0;
  if (withIpHeader) {
    if (bytes.length < 20 || bytes[0]! >> 4 !== 4) return "short";
    start = (bytes[0]! & 0x0f) * 4;
    if (start < 20) return "short";
  }
  if (bytes.length - start < 8) return "short";
  const type = bytes[start]!;
  if (family === 4 && internetChecksum(bytes, start) !== 0) return "checksum";
  if (type === ECHO[family].request) return "echo_request";
  if (type !== ECHO[family].reply || bytes[start + 1] !== 0) return "other_type";
  return {
    identifier: (bytes[start + 4]! << 8) | bytes[start + 5]!,
    sequence: (bytes[start + 6]! << 8) | bytes[start + 7]!,
    payload: bytes.subarray(start + 8),
    hopLimit: withIpHeader ? bytes[8] : undefined,
  };
}
