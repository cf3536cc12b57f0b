/**
 * @module The one table that turns runtime errors into a probe failure reason: a row per outcome
 * an OS socket call reports, by the Deno error class `Deno.connect` & co. throw and by the Linux
 * errno a raw `sendto` (the ICMP socket) returns.
 */
import type { FailureReason } from "./types.ts";

interface Row {
  /** Linux errno (x86_64 and aarch64 share these numbers). */
  errno: number;
  /** The class Deno throws for it, when it has one. */
  error?: new (...args: never[]) => Error;
  reason: FailureReason;
}

/** The table. Order matters only for the message fallback below (it has none). */
const ERRORS: readonly Row[] = [
  { errno: 111, error: Deno.errors.ConnectionRefused, reason: "refused" }, // ECONNREFUSED
  { errno: 104, error: Deno.errors.ConnectionReset, reason: "refused" }, // ECONNRESET
  { errno: 110, error: Deno.errors.TimedOut, reason: "timeout" }, // ETIMEDOUT
  { errno: 99, error: Deno.errors.AddrNotAvailable, reason: "unreachable" }, // EADDRNOTAVAIL
  { errno: 101, error: Deno.errors.NetworkUnreachable, reason: "unreachable" }, // ENETUNREACH
  { errno: 103, error: Deno.errors.ConnectionAborted, reason: "unreachable" }, // ECONNABORTED
  { errno: 113, reason: "unreachable" }, // EHOSTUNREACH (Deno: a plain Error "No route to host")
  { errno: 90, reason: "unreachable" }, // EMSGSIZE (dont_fragment past the path MTU)
];

/**
 * Sorts an error thrown by `Deno.connect`, `Deno.resolveDns`, a datagram socket or a TLS
 * handshake into our fixed reasons.
 */
export function failureReason(error: unknown): FailureReason {
  if (error instanceof Error && error.name === "DnsError") return "dns";
  for (const row of ERRORS) if (row.error && error instanceof row.error) return row.reason;
  if (
    error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError")
  ) {
    return "timeout";
  }
  if (error instanceof Deno.errors.NotFound) return "dns";
  const message = error instanceof Error ? error.message : String(error);
  if (/refused/i.test(message)) return "refused";
  if (/unreachable|no route/i.test(message)) return "unreachable";
  if (/timed? ?out/i.test(message)) return "timeout";
  if (/dns|resolve|name or service|no such host|failed to lookup/i.test(message)) return "dns";
  return "error";
}

/**
 * The reason for a Linux `errno` a socket call returned; "error" when the table has no row.
 *
 * @example
 * ```ts
 * import { errnoReason } from "./failure_reason.ts";
 * console.assert(errnoReason(113) === "unreachable"); // EHOSTUNREACH
 * console.assert(errnoReason(1) === "error"); // EPERM
 * ```
 */
export function errnoReason(errno: number): FailureReason {
  return ERRORS.find((row) => row.errno === errno)?.reason ?? "error";
}
