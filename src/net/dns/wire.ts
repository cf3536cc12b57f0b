/** @module DNS messages to and from bytes, through `dns-packet`; decoding never throws raw. */
import * as packet from "dns-packet";
import type { DecodedPacket } from "dns-packet";
import { Buffer } from "node:buffer";
import type { QueryType } from "./types.ts";

/** Largest UDP answer we advertise with EDNS0 (the DNS flag day value). */
export const EDNS_PAYLOAD_SIZE = 1232;

/** Options of {@linkcode encodeQuery}. */
export interface QueryOptions {
  recursionDesired?: boolean;
  dnssecOk?: boolean;
}

/** The bytes of one question with message `id`. */
export function encodeQuery(
  id: number,
  name: string,
  type: QueryType,
  options: QueryOptions = {},
): Uint8Array {
  const rd = options.recursionDesired ?? true;
  const bytes = packet.encode({
    type: "query",
    id,
    flags: rd ? packet.RECURSION_DESIRED : 0,
    questions: [{ type: type as packet.RecordType, name, class: "IN" }],
    additionals: options.dnssecOk
      ? [{
        type: "OPT",
        name: ".",
        udpPayloadSize: EDNS_PAYLOAD_SIZE,
        flags: packet.DNSSEC_OK,
      } as unknown as packet.Answer]
      : [],
  });
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** The 16-bit message id of a datagram, or undefined when it is shorter than a header. */
export function messageId(bytes: Uint8Array): number | undefined {
  return bytes.length < 12 ? undefined : (bytes[0]! << 8) | bytes[1]!;
}

/** Decodes a response; undefined for bytes that are not a DNS response. */
export function decodeResponse(bytes: Uint8Array): DecodedPacket | undefined {
  if (bytes.length < 12 || (bytes[2]! & 0x80) === 0) return undefined;
  try {
    return packet.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
  } catch {
    return undefined;
  }
}

/** True when `p` answers the question `name`/`type` (names compared without case). */
export function answersQuestion(p: DecodedPacket, name: string, type: QueryType): boolean {
  const q = p.questions?.[0];
  if (!q) return false;
  const norm = (n: string) => n.replace(/\.$/, "").toLowerCase();
  return norm(q.name) === norm(name) && q.type === type;
}

/** A fresh random 16-bit message id. */
export function randomId(): number {
  return crypto.getRandomValues(new Uint16Array(1))[0]!;
}

/** The response code name (`NOERROR`, `NXDOMAIN`, `SERVFAIL`, …); dns-packet's types omit it. */
export function rcodeOf(p: DecodedPacket): string {
  return (p as { rcode?: string }).rcode ?? "NOERROR";
}
