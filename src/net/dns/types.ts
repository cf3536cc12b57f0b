/** @module The DNS client's seams: servers, questions, answers, and the hooks its metrics use. */
import type { DecodedPacket } from "dns-packet";

/** Query types the client and the DNS probe ask for. */
export const QUERY_TYPES = [
  "A",
  "AAAA",
  "CNAME",
  "MX",
  "NS",
  "PTR",
  "SOA",
  "SRV",
  "TXT",
  "CAA",
  "ANY",
] as const;

/** One of {@linkcode QUERY_TYPES}. */
export type QueryType = typeof QUERY_TYPES[number];

/** A name server: an IP literal and a port (53 unless set). */
export interface DnsServer {
  ip: string;
  port: number;
  family: 4 | 6;
}

/** How one question is sent. */
export interface ExchangeOptions {
  transport: "udp" | "tcp";
  /** The RD bit. Default true. */
  recursionDesired?: boolean;
  /** Sends an EDNS0 OPT record (payload size 1232) with the DO bit. Default false. */
  dnssecOk?: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** A decoded response and how it was got. */
export interface DnsResponse {
  packet: DecodedPacket;
  server: DnsServer;
  /** The transport that carried the answer (tcp after a truncated udp answer). */
  transport: "udp" | "tcp";
  /** Seconds from start to connected (tcp) or socket open (udp). */
  connectSeconds: number;
  /** Seconds from the question sent to the answer read. */
  requestSeconds: number;
}

/** Why a received UDP datagram was not taken as the answer. */
export type IgnoreReason = "wrong_id" | "wrong_source" | "wrong_question" | "malformed";

/** Every ignore reason, for metric pre-registration. */
export const IGNORE_REASONS: readonly IgnoreReason[] = [
  "wrong_id",
  "wrong_source",
  "wrong_question",
  "malformed",
];

/** What the client reports to its metrics; every hook is optional. */
export interface DnsHooks {
  /** A response came back with `rcode` (e.g. `NOERROR`), or `timeout` / `error`. */
  onQuery?(rcode: string): void;
  onIgnored?(reason: IgnoreReason): void;
  /** A cached answer was used (`hit`) or a query was needed (`miss`). */
  onCache?(result: "hit" | "miss"): void;
}
