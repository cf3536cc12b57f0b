/**
 * @module The ICMP probe: resolves the target, runs `count` echoes spaced by `packet_interval`
 * through the module's helper, and reports smokeping-style statistics. Success iff at least one
 * reply came back; no reply is `timeout`.
 */
import { resolveTarget } from "../resolve_target.ts";
import { createResolver, type Resolver } from "../../net/resolver.ts";

import type { Clock } from "../../base/clock.ts";
import { systemClock } from "../../base/clock.ts";
import type { Probe, ProbeOutcome } from "../types.ts";
import type { ProbeJob } from "../../schedule/job.ts";
import { type ChooseHelperOptions, createHelperSet, type HelperMode } from "./helper.ts";
import { rttStats } from "./rtt_stats.ts";
import type { IcmpHelper } from "./types.ts";
import { addressFields } from "../address_fields.ts";
import { moduleSocketOptions } from "../socket/socket_options.ts";
import type { ModuleOf } from "../../config/schema.ts";

/** Module option defaults (the config schema leaves them optional): 1 echo of 56 bytes. */
export const DEFAULTS = {
  count: 1,
  packet_interval: 100,
  size: 56,
} as const satisfies Omit<ModuleOf<"icmp">, "type">;

/** Options of {@linkcode createIcmpProbe}. */
export interface IcmpProbeOptions extends Omit<ChooseHelperOptions, "clock"> {
  /** The helper mode to open (and log, and show in metrics) right away. Default `auto`. */
  helper?: HelperMode;
  resolver?: Resolver;
  clock?: Clock;
}

/** The ICMP probe; dispose it to close its sockets. */
export interface IcmpProbe extends Probe<"icmp"> {
  [Symbol.asyncDispose](): Promise<void>;
  /** The helper serving `mode` (opened on first use). */
  helper(mode: HelperMode): IcmpHelper;
  close(): Promise<void>;
}

/** Creates the ICMP probe and opens the helper for `options.helper`. */
export function createIcmpProbe(options: IcmpProbeOptions = {}): IcmpProbe {
  const clock = options.clock ?? systemClock;
  const resolver = options.resolver ?? createResolver();
  const helpers = createHelperSet({ ...options, clock });
  const defaultMode = options.helper ?? "auto";
  const helper = (mode: HelperMode): IcmpHelper => helpers.get(mode);
  helper(defaultMode);

  const failed = (started: number, outcome: Partial<ProbeOutcome>): ProbeOutcome => ({
    success: false,
    durationSeconds: (clock.now() - started) / 1000,
    reason: "error",
    ...outcome,
  });

  const close = () => helpers.close();

  return {
    type: "icmp",
    helper,
    async run(job: ProbeJob<"icmp">, signal: AbortSignal): Promise<ProbeOutcome> {
      const started = clock.now();
      const deadline = started + job.timeoutMs;
      let mode: HelperMode = job.options.helper ?? defaultMode;
      // An address needs no lookup: no promise (nor its result object) to wait on per run.
      let resolved = resolver.literal?.(job.host);
      if (!resolved) {
        const lookup = await resolveTarget(resolver, job, signal);
        if (!lookup.ok) {
          const resolve = (clock.now() - started) / 1000;
          return failed(started, {
            dnsLookupSeconds: resolve,
            icmpPhases: { resolve, setup: 0, rtt: 0 },
            reason: lookup.reason,
            detail: lookup.detail,
          });
        }
        resolved = lookup.resolved;
      }
      const resolvedAt = clock.now();
      const addr = addressFields(resolved, (resolvedAt - started) / 1000);
      try {
        let h = helper(mode);
        if (!h.families.includes(resolved.family) && mode === "auto") {
          mode = "ping";
          h = helper(mode);
        }
        const result = await h.run(resolved.ip, resolved.family, {
          count: job.options.count ?? DEFAULTS.count,
          intervalMs: job.options.packet_interval ?? DEFAULTS.packet_interval,
          size: job.options.size ?? DEFAULTS.size,
          ttl: job.options.ttl,
          socket: moduleSocketOptions(job.options, resolved.family),
          timeoutMs: Math.max(0, deadline - clock.now()),
        }, signal);
        const icmp = rttStats(result.sent, result.rttsSeconds);
        // blackbox's meaning: the whole probe, resolve included. It ends when the last reply
        // reached the host (its kernel stamp), not when the helper got round to reading it;
        // with count > 1 it spans every packet (count - 1 intervals plus the last reply).
        const end = Math.min(result.endMono ?? clock.now(), clock.now());
        const durationSeconds = (end - started) / 1000;
        const firstSent = result.firstSentMono ?? resolvedAt;
        const icmpPhases = {
          resolve: addr.dnsLookupSeconds ?? 0,
          setup: Math.max(0, firstSent - resolvedAt) / 1000,
          rtt: icmp.received > 0 ? icmp.avgSeconds : 0,
        };
        // Each outcome written out as one object (no shared part spread into it).
        if (icmp.received > 0) {
          return {
            success: true,
            durationSeconds,
            ipProtocol: addr.ipProtocol,
            ipAddress: addr.ipAddress,
            ipAddrHash: addr.ipAddrHash,
            dnsLookupSeconds: addr.dnsLookupSeconds,
            icmp,
            icmpPhases,
            icmpReplyHopLimit: result.hopLimit,
          };
        }
        return {
          success: false,
          durationSeconds,
          ipProtocol: addr.ipProtocol,
          ipAddress: addr.ipAddress,
          ipAddrHash: addr.ipAddrHash,
          dnsLookupSeconds: addr.dnsLookupSeconds,
          icmp,
          icmpPhases,
          icmpReplyHopLimit: undefined,
          reason: result.failure?.reason ?? "timeout",
          detail: result.failure?.detail ??
            `no echo reply from ${resolved.ip} (${result.sent} sent)`,
        };
      } catch (error) {
        return failed(started, {
          ...addr,
          detail: error instanceof Error ? error.message : String(error),
        });
      }
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
