/** @module The config shape of `type: icmp` probe modules (echo requests, RTT and loss). */
import * as z from "zod/mini";
import { optional } from "zod/mini";
import { duration, int } from "./field_types.ts";
import { probeCommon } from "./probe_common.ts";
import { socketFields } from "./socket_fields.ts";

/** `type: icmp`: `count` echoes `packet_interval` apart, with the socket options. */
export const icmpProbe = z.strictObject({
  type: z.literal("icmp"),
  ...probeCommon,
  count: optional(int(1, 100)),
  packet_interval: optional(duration()),
  size: optional(int(0, 65000)),
  ttl: optional(int(1, 255)),
  helper: optional(z.enum(["auto", "socket", "ping"])),
  ...socketFields,
  /** Set DF (IPv4) / never fragment (IPv6): with `size`, a path-MTU check. */
  dont_fragment: optional(z.boolean()),
});
