/** @module The ICMP helper seam: something that sends `count` echoes to one IP and times the replies. */
import type { FailureReason } from "../types.ts";
import type { SocketOptions } from "../socket/socket_options.ts";

/** Which helper runs the echoes. */
export type HelperName = "socket" | "ping";

/** One run's parameters. */
export interface EchoRunOptions {
  count: number;
  intervalMs: number;
  /** Payload bytes after the 8-byte ICMP header. */
  size: number;
  ttl?: number;
  /** dscp, source address or interface, dont_fragment: runs with them get a socket of their own. */
  socket?: SocketOptions;
  /** The whole run ends by then, replies or not. */
  timeoutMs: number;
}

/** What one run measured. */
export interface EchoRunResult {
  /** Requests actually sent. */
  sent: number;
  /** RTT of every reply received, in seconds, in send order. */
  rttsSeconds: number[];
  /** Set when the run could not be carried out (a send failed, ping crashed). */
  failure?: { reason: FailureReason; detail: string };
  /** Monotonic ms (the Clock's scale) the first request went out; helpers that know it. */
  firstSentMono?: number;
  /**
   * Monotonic ms the run ended: when the last reply arrived (kernel stamp) if all came back,
   * else when waiting stopped. Helpers that do not know leave it out.
   */
  endMono?: number;
  /** TTL (IPv4) or hop limit (IPv6) of the last reply, where the helper can read it. */
  hopLimit?: number;
}

/** Runs echo sequences; one helper serves every ICMP probe of the agent. */
export interface IcmpHelper extends AsyncDisposable {
  readonly name: HelperName;
  /** Families this helper can serve. */
  readonly families: readonly (4 | 6)[];
  run(
    ip: string,
    family: 4 | 6,
    options: EchoRunOptions,
    signal?: AbortSignal,
  ): Promise<EchoRunResult>;
  close(): Promise<void>;
}
