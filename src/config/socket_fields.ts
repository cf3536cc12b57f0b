/**
 * @module The socket option fields of tcp, udp and icmp modules (`dscp`, `source_ip`,
 * `source_interface`), each with the message an operator reads when a value does not fit. An
 * interface is checked against the host's interfaces (`/sys/class/net`) when the config loads.
 */
import * as z from "zod/mini";
import { describe as shown } from "./issue_message.ts";
import { isIPv4, isIPv6 } from "node:net";

/** A DiffServ code point, 0–63 (46 = EF, 34 = AF41, 0 = best effort). */
export const dscp = z.number({ error: (i) => `expected a DSCP value 0-63, got ${shown(i.input)}` })
  .check(
    z.refine((v) => Number.isInteger(v) && v >= 0 && v <= 63, {
      error: (i) => `expected a DSCP value 0-63, got ${shown(i.input)}`,
    }),
  );

/** A local IPv4 or IPv6 literal to send from. */
export const sourceIp = z.string({ error: (i) => `expected an IP address, got ${shown(i.input)}` })
  .check(
    z.refine((v) => isIPv4(v) || isIPv6(v), {
      error: (i) =>
        `expected an IP address like "192.0.2.1" or "2001:db8::1", got ${shown(i.input)}`,
    }),
  );

/** Whether the host has a network interface of this name (`/sys/class/net/NAME`). */
export function interfaceExists(name: string): boolean {
  if (!/^[^/\0\s]{1,15}$/.test(name) || name === "." || name === "..") return false;
  try {
    Deno.statSync(`/sys/class/net/${name}`);
    return true;
  } catch {
    return false;
  }
}

/** An interface name that exists on this host. */
export const sourceInterface = z.string({
  error: (i) => `expected an interface name, got ${shown(i.input)}`,
}).check(
  z.refine(interfaceExists, {
    error: (i) => `no network interface ${shown(i.input)} on this host`,
  }),
);

/** The fields, to spread into a module's schema. */
export const socketFields = {
  dscp: z.optional(dscp),
  source_ip: z.optional(sourceIp),
  source_interface: z.optional(sourceInterface),
};
