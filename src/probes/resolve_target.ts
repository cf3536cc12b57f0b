/**
 * @module A probe's first step: its target's name to an address (module's `dns_server` honoured),
 * or the failure every probe reports the same way: reason `dns` (or `timeout`/`aborted`), and
 * "Cannot resolve HOST: why".
 */
import { moduleResolveOptions } from "../net/dns/dns_server.ts";
import type { Resolved, Resolver } from "../net/resolver.ts";
import { failureReason } from "./failure_reason.ts";
import type { FailureReason } from "./types.ts";

/** What resolving gave: the address, or the failure's reason and detail. */
export type ResolveAttempt =
  | { ok: true; resolved: Resolved }
  | { ok: false; reason: FailureReason; detail: string };

/** Resolves `job.host` by the job's `ip_protocol`; never throws. */
export async function resolveTarget(
  resolver: Resolver,
  job: { host: string; ipProtocol: "ip4" | "ip6" | "auto"; options: { dns_server?: string } },
  signal: AbortSignal,
): Promise<ResolveAttempt> {
  try {
    const options = moduleResolveOptions(job.options);
    return {
      ok: true,
      resolved: await resolver.resolve(job.host, job.ipProtocol, signal, options),
    };
  } catch (error) {
    const reason = failureReason(error);
    return {
      ok: false,
      reason: reason === "error" ? "dns" : reason,
      detail: `Cannot resolve ${job.host}: ${error instanceof Error ? error.message : error}`,
    };
  }
}
