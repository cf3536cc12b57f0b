/** @module The config shape of `type: udp` probe modules (a datagram out, an answer expected). */
import * as z from "zod/mini";
import { optional } from "zod/mini";
import { describe as shown } from "./issue_message.ts";
import { port, regex } from "./field_types.ts";
import { probeCommon } from "./probe_common.ts";
import { socketFields } from "./socket_fields.ts";

/** `type: udp`: the payload as text (`payload`) or as hex bytes (`payload_hex`). */
export const udpProbe = z.strictObject({
  type: z.literal("udp"),
  ...probeCommon,
  port: optional(port),
  payload: optional(z.string().check(z.maxLength(65507))),
  payload_hex: optional(
    z.string().check(
      z.regex(/^([0-9a-fA-F]{2})*$/, {
        error: (i) => `expected hex bytes like "0a1b", got ${shown(i.input)}`,
      }),
      z.maxLength(2 * 65507),
    ),
  ),
  expect: optional(regex),
  ...socketFields,
});
