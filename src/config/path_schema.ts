/** @module The config shape of `type: path` probe modules (MTR-style hop-by-hop probing). */
import * as z from "zod/mini";
import { optional } from "zod/mini";
import { duration, int, port } from "./field_types.ts";
import { probeCommon } from "./probe_common.ts";
import { socketFields } from "./socket_fields.ts";

/**
 * `type: path`, with the socket options of the tcp,
 * udp and icmp modules (`dscp`, `source_ip`, `source_interface`).
 */
export const pathProbe = z.strictObject({
  type: z.literal("path"),
  ...probeCommon,
  /** What each hop is sent: ICMP echo requests (default), UDP datagrams or TCP SYNs. */
  protocol: optional(z.enum(["icmp", "udp", "tcp"])),
  /** TTLs probed in the first round: 1..max_hops. */
  max_hops: optional(int(1, 64)),
  /** Packets per hop per run. */
  count: optional(int(1, 1000)),
  /** Between two rounds (one packet to every hop each). */
  packet_interval: optional(duration()),
  /** Payload bytes after the ICMP or UDP header. */
  size: optional(int(8, 1400)),
  /**
   * UDP: the first destination port (default 33434, traceroute's); probe n goes to port + n.
   * TCP: the port every SYN goes to (default 80).
   */
  port: optional(port),
  ...socketFields,
});
