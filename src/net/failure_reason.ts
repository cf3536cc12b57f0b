/** @module The one table that turns runtime errors into a probe failure reason. */
import type { FailureReason } from "../results/types.ts";

/**
 * Sorts an error thrown by `Deno.connect`, `Deno.resolveDns`, a datagram socket or a TLS
 * handshake into our fixed reasons.
 */
export function failureReason(error: unknown): FailureReason {
  if (error instanceof Error && error.name === "DnsError") return "dns";
  if (error instanceof Deno.errors.ConnectionRefused) return "refused";
  if (error instanceof Deno.errors.TimedOut) return "timeout";
  if (
    error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError")
  ) {
    return "timeout";
  }
  if (error instanceof Deno.errors.NotFound) return "dns";
  if (
    error instanceof Deno.errors.AddrNotAvailable ||
    error instanceof Deno.errors.NetworkUnreachable ||
    error instanceof Deno.errors.ConnectionReset ||
    error instanceof Deno.errors.ConnectionAborted
  ) {
    return error instanceof Deno.errors.ConnectionReset ? "refused" : "unreachable";
  }
  const message = error instanceof Error ? error.message : String(error);
  if (/refused/i.test(message)) return "refused";
  if (/unreachable|no route/i.test(message)) return "unreachable";
  if (/timed? ?out/i.test(message)) return "timeout";
  if (/dns|resolve|name or service|no such host|failed to lookup/i.test(message)) return "dns";
  return "error";
}
