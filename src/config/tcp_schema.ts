/** @module The config shape of `type: tcp` probe modules (a connect, optional send/expect, TLS). */
import * as z from "zod/mini";
import { optional } from "zod/mini";
import { port, regex } from "./field_types.ts";
import { probeCommon } from "./probe_common.ts";
import { socketFields } from "./socket_fields.ts";

/** `type: tcp`; `tls` cannot go with the socket options (TLS needs Deno's own connection). */
export const tcpProbe = z.strictObject({
  type: z.literal("tcp"),
  ...probeCommon,
  port: optional(port),
  send: optional(z.string().check(z.maxLength(65536))),
  expect: optional(regex),
  tls: optional(z.boolean()),
  tls_server_name: optional(z.string()),
  tls_insecure_skip_verify: optional(z.boolean()),
  ...socketFields,
}).check(z.superRefine((m, ctx) => {
  const set = (["dscp", "source_ip", "source_interface"] as const).filter((k) =>
    m[k] !== undefined
  );
  if (m.tls && set.length > 0) {
    ctx.issues.push({
      code: "custom",
      input: m.tls,
      path: ["tls"],
      message: `tls cannot be combined with ${set.join(", ")} (TLS needs Deno's own connection)`,
    });
  }
}));
