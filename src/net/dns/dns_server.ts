/** @module A name server address from the config: `10.0.0.2`, `10.0.0.2:5353`, `[::1]:53`. */
import type { DnsServer } from "./types.ts";
import { parseAddress } from "../address.ts";

/**
 * Parses a name server address (an IP literal, port 53 unless given); throws `SyntaxError`.
 *
 * @example
 * ```ts
 * import { parseDnsServer } from "./dns_server.ts";
 * const s = parseDnsServer("[::1]:5353");
 * if (s.ip !== "::1" || s.port !== 5353 || s.family !== 6) throw new Error();
 * ```
 */
export function parseDnsServer(text: string): DnsServer {
  const a = parseAddress(text);
  if (!a.family) {
    throw new SyntaxError(`Cannot use "${text}" as a name server: expected an IP address`, {
      cause: "expected an IP address, not a name",
    });
  }
  return { ip: a.host, port: a.port ?? 53, family: a.family };
}

const parsed = new Map<string, { server: DnsServer }>();
/** The options of a module without `dns_server`: one object for every probe run. */
const SYSTEM_SERVER: { server?: DnsServer } = Object.freeze({});

/** A probe module's `dns_server` as resolve options (parsed once per text). */
export function moduleResolveOptions(
  options: { dns_server?: string },
): { server?: DnsServer } {
  const text = options.dns_server;
  if (!text) return SYSTEM_SERVER;
  let known = parsed.get(text);
  if (!known) {
    if (parsed.size > 1000) parsed.clear();
    parsed.set(text, known = Object.freeze({ server: parseDnsServer(text) }));
  }
  return known;
}
