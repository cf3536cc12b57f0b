/**
 * @module Which probe in flight a received ICMP message answers, if any: echo replies by
 * identifier and sequence, errors by the ports or identifier of the packet they quote; the
 * answer must be about that probe's destination and, where the bytes reach that far, carry the
 * run's cookie. Also the sweep that reads TCP probes' answers off their own sockets.
 */
import type { IcmpQuote, QuoteIgnoreReason } from "./icmp_quote.ts";
import type { Pending } from "./trace_run.ts";

/** Why an ICMP message was not taken as an answer to one of our path probes. */
export type TraceIgnoreReason = QuoteIgnoreReason | "foreign" | "mismatch" | "duplicate";

/** Every ignore reason, for metric pre-registration. */
export const TRACE_IGNORE_REASONS: readonly TraceIgnoreReason[] = [
  "short",
  "checksum",
  "other_type",
  "bad_quote",
  "foreign",
  "mismatch",
  "duplicate",
];

/** Probes in flight, by key. */
export interface PendingTables {
  /** ICMP probes by identifier << 16 | sequence. */
  icmp: Map<number, Pending>;
  /** UDP probes by source port << 16 | destination port. */
  udp: Map<number, Pending>;
  /** TCP probes by source port << 16 | destination port. */
  tcp: Map<number, Pending>;
}

/** Linux's initial TCP retransmission timeout: a SYN unanswered by then is sent again. */
const TCP_RTO_MS = 1000;

/** True when what `bytes` holds of the cookie matches it. */
export function hasCookie(bytes: Uint8Array, cookie: Uint8Array): boolean {
  // A quote may stop short of the cookie (RFC 792 asks for 8 bytes); what is there must match.
  const n = Math.min(cookie.length, bytes.length);
  for (let i = 0; i < n; i++) if (bytes[i] !== cookie[i]) return false;
  return true;
}

/** The unanswered probe `m` (received from `source`) answers, or why it answers none. */
export function matchQuote(
  m: IcmpQuote,
  source: string,
  tables: PendingTables,
): Pending | TraceIgnoreReason {
  let entry: Pending | undefined;
  if (m.kind === "echo_reply") {
    entry = tables.icmp.get(m.identifier * 65536 + m.sequence);
    if (!entry) return "foreign";
    if (source !== entry.run.destination || !hasCookie(m.payload, entry.run.cookie)) {
      return "mismatch";
    }
  } else {
    const key = m.first * 65536 + m.second;
    entry = m.protocol === 1 || m.protocol === 58
      ? tables.icmp.get(key)
      : m.protocol === 17
      ? tables.udp.get(key)
      : m.protocol === 6
      ? tables.tcp.get(key)
      : undefined;
    if (!entry) return "foreign";
    if (
      m.destination !== entry.run.destination ||
      // A SYN has no payload to carry the cookie: its own socket's port is the key.
      (!entry.tcp && !hasCookie(m.quoted.subarray(8), entry.run.cookie))
    ) return "mismatch";
  }
  return entry.answered ? "duplicate" : entry;
}

/**
 * Hands `onAnswer` each TCP probe the destination answered (handshake or reset, seen in the
 * socket's state), its socket closed. The kernel sends a lost SYN again after its 1 s initial RTO: what
 * answers after that is the second SYN's, so such a probe counts as lost and its socket and key
 * go. Failed sockets are closed and left unanswered.
 */
export function sweepTcp(
  tcp: Map<number, Pending>,
  nowMono: number,
  onAnswer: (entry: Pending) => void,
): void {
  for (const [key, entry] of tcp) {
    if (entry.answered || !entry.tcp) continue;
    if (nowMono - entry.sentMono >= TCP_RTO_MS) {
      entry.tcp.close();
      tcp.delete(key);
      continue;
    }
    const state = entry.tcp.state();
    if (state === "pending") continue;
    entry.tcp.close();
    if (state === "failed") continue;
    onAnswer(entry);
  }
}
