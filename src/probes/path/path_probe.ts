/**
 * @module The path probe (`type: path`): resolves the target, traces it hop by hop (TTL 1, 2, …
 * at once, `count` rounds), and reports per hop its address, loss and RTT statistics, plus how
 * often the hop list changed. Success iff the destination answered.
 */
import { moduleResolveOptions } from "../../net/dns/dns_server.ts";
import { createResolver, type Resolver } from "../../net/resolver.ts";
import { failureReason } from "../failure_reason.ts";
import type { Clock } from "../../base/clock.ts";
import { systemClock } from "../../base/clock.ts";
import type { Probe, ProbeOutcome } from "../types.ts";
import type { ProbeJob } from "../../schedule/job.ts";
import type { ModuleOf } from "../../config/schema.ts";
import { addressFields } from "../address_fields.ts";
import { createTracer } from "./tracer.ts";
import { moduleSocketOptions } from "../socket/socket_options.ts";
import { hopListChanged, pathHops } from "./path_hops.ts";
import { pathGauges } from "./path_gauges.ts";
import { NO_ANSWER, type PathResult, type Tracer } from "./types.ts";

/** Module option defaults: ICMP, 30 hops, 10 packets per hop 100 ms apart, 56 bytes (mtr's). */
export const DEFAULTS = {
  protocol: "icmp",
  max_hops: 30,
  count: 10,
  packet_interval: 100,
  size: 56,
  port: 33434,
} as const satisfies Omit<ModuleOf<"path">, "type">;

/** Options of {@linkcode createPathProbe}. */
export interface PathProbeOptions {
  resolver?: Resolver;
  clock?: Clock;
  tracer?: Tracer;
  /** Most (module, target) pairs whose last hop list is kept for change counting. */
  maxTracked?: number;
}

/** The path probe; dispose it to close its sockets. */
export interface PathProbe extends Probe<"path"> {
  [Symbol.asyncDispose](): Promise<void>;
}

interface Track {
  addresses: string[];
  reached: boolean;
  changes: number;
}

/** Creates the path probe (its raw sockets open on the first run of each family). */
export function createPathProbe(options: PathProbeOptions = {}): PathProbe {
  const clock = options.clock ?? systemClock;
  const resolver = options.resolver ?? createResolver();
  const tracer = options.tracer ?? createTracer({ clock });
  const maxTracked = options.maxTracked ?? 100_000;
  const tracks = new Map<string, Track>();

  /** Compares with the previous run of this (module, target) and counts a change. */
  const track = (key: string, addresses: string[], reached: boolean) => {
    const before = tracks.get(key);
    // A hop that did not answer this time keeps the address it last had, so loss is no change
    // and a change is counted once however the loss falls.
    const known = before
      ? addresses.map((a, i) => a === NO_ANSWER ? before.addresses[i] ?? a : a)
      : addresses;
    const changed = before !== undefined && hopListChanged(before, { addresses, reached });
    const changes = (before?.changes ?? 0) + (changed ? 1 : 0);
    tracks.delete(key);
    if (tracks.size >= maxTracked) tracks.delete(tracks.keys().next().value!);
    tracks.set(key, { addresses: known, reached: reached || (before?.reached ?? false), changes });
    return { changed, changes };
  };

  const close = () => tracer.close();
  return {
    type: "path",
    async run(job: ProbeJob<"path">, signal: AbortSignal): Promise<ProbeOutcome> {
      const started = clock.now();
      const o = job.options;
      let resolved;
      try {
        resolved = await resolver.resolve(
          job.host,
          job.ipProtocol,
          signal,
          moduleResolveOptions(o),
        );
      } catch (error) {
        const reason = failureReason(error);
        return {
          success: false,
          durationSeconds: (clock.now() - started) / 1000,
          dnsLookupSeconds: (clock.now() - started) / 1000,
          reason: reason === "error" ? "dns" : reason,
          detail: `Cannot resolve ${job.host}: ${error instanceof Error ? error.message : error}`,
        };
      }
      const addr = addressFields(resolved, (clock.now() - started) / 1000);
      const trace = await tracer.trace(resolved.ip, resolved.family, {
        protocol: o.protocol ?? DEFAULTS.protocol,
        maxHops: o.max_hops ?? DEFAULTS.max_hops,
        count: o.count ?? DEFAULTS.count,
        intervalMs: o.packet_interval ?? DEFAULTS.packet_interval,
        size: o.size ?? DEFAULTS.size,
        port: job.port ?? o.port ?? (o.protocol === "tcp" ? 80 : DEFAULTS.port),
        timeoutMs: Math.max(0, started + job.timeoutMs - clock.now()),
        socketOptions: moduleSocketOptions(o, resolved.family),
      }, signal);
      const durationSeconds = (clock.now() - started) / 1000;
      if (trace.failure) {
        return { success: false, durationSeconds, ...addr, ...trace.failure };
      }
      const hops = pathHops(trace);
      const reached = trace.destinationTtl !== undefined;
      const key = `${job.probe}\u0000${job.target}`;
      const { changed, changes } = hops.length > 0
        ? track(key, hops.map((h) => h.address), reached)
        : { changed: false, changes: tracks.get(key)?.changes ?? 0 };
      const path: PathResult = { hops, reached, changed, changes };
      const common = { durationSeconds, ...addr, path, gauges: pathGauges(path) };
      if (reached) return { success: true, ...common };
      const answered = hops.filter((h) => h.address !== NO_ANSWER);
      const u = trace.unreachable;
      if (u) {
        return {
          success: false,
          ...common,
          reason: "unreachable",
          detail:
            `ICMP destination unreachable (code ${u.code}) for ${resolved.ip} from ${u.from} at hop ${u.hop}`,
        };
      }
      return {
        success: false,
        ...common,
        reason: "timeout",
        detail: `${resolved.ip} not reached within ${o.max_hops ?? DEFAULTS.max_hops} hops` +
          (answered.length
            ? ` (last answer from hop ${answered.at(-1)!.hop}, ${answered.at(-1)!.address})`
            : ""),
      };
    },
    [Symbol.asyncDispose]: close,
  };
}
