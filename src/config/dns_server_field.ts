/**
 * @module The config field of a name server (a module's `dns_server`, the `dns` section's
 * `servers`): an IP address with an optional port.
 */
import * as z from "zod/mini";
import { describe as shown } from "./issue_message.ts";
import { parseDnsServer } from "../net/dns/dns_server.ts";

/** A name server: an IP address with an optional port. */
export const dnsServer = z.string().check(z.superRefine((s, ctx) => {
  try {
    parseDnsServer(s);
  } catch (e) {
    ctx.addIssue({
      code: "custom",
      message: `expected a name server like "10.0.0.2" or "[::1]:5353", got ${shown(s)} (${
        (e as Error).cause ?? (e as Error).message
      })`,
    });
  }
}));
