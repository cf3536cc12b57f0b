/** @module The path probe's seams: one traced run, and what it found per hop. */
import type { FailureReason, IcmpStats } from "../types.ts";
import type { SocketOptions } from "../socket/socket_options.ts";

/** What a path probe sends to each hop. */
export type PathProtocol = "icmp" | "udp" | "tcp";

/** One run's parameters. */
export interface TraceOptions {
  protocol: PathProtocol;
  /** TTLs 1..maxHops are probed in the first round. */
  maxHops: number;
  /** Rounds: packets per hop. */
  count: number;
  /** Between the starts of two rounds. */
  intervalMs: number;
  /** Payload bytes after the ICMP (or UDP) header. */
  size: number;
  /** UDP: the first destination port (each probe adds its sequence); TCP: the port; unused by ICMP. */
  port: number;
  /** The whole run ends by then, replies or not. */
  timeoutMs: number;
  /** dscp, source address or interface of every packet the run sends. */
  socketOptions?: SocketOptions;
}

/** What came back for one TTL. */
export interface TraceHop {
  ttl: number;
  /** Probes sent with this TTL. */
  sent: number;
  /** RTT of every answer, seconds, in send order. */
  rttsSeconds: number[];
  /** Answering addresses and how often each answered. */
  addresses: Map<string, number>;
}

/** What one traced run found. */
export interface TraceResult {
  /** TTL 1.. up to the destination's (or to `maxHops`). */
  hops: TraceHop[];
  /** The TTL at which the destination itself answered, if it did. */
  destinationTtl?: number;
  /** A router answered destination unreachable (and the destination never answered). */
  unreachable?: { hop: number; from: string; code: number };
  /** Set when the run could not be carried out at all (no socket, every send failed). */
  failure?: { reason: FailureReason; detail: string };
}

/** Runs traces; one tracer serves every path probe of the agent. */
export interface Tracer extends AsyncDisposable {
  trace(
    ip: string,
    family: 4 | 6,
    options: TraceOptions,
    signal?: AbortSignal,
  ): Promise<TraceResult>;
  close(): Promise<void>;
}

/** One hop as the probe reports it. */
export interface PathHop {
  /** 1-based hop number (the TTL). */
  hop: number;
  /** The address that answered most often; `???` when none answered (as mtr prints it). */
  address: string;
  /** Other addresses that answered this hop in the same run (ECMP, a route change). */
  otherAddresses: string[];
  stats: IcmpStats;
}

/** The path probe's own result (beside the common outcome fields). */
export interface PathResult {
  hops: PathHop[];
  /** The destination answered (the last hop is the destination). */
  reached: boolean;
  /** The hop list differed from the previous run of this (module, target). */
  changed: boolean;
  /** Changes seen for this (module, target) since the agent started. */
  changes: number;
}

/** The `address` of a hop nothing answered. */
export const NO_ANSWER = "???";
