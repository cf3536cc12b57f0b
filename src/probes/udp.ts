/**
 * @module The UDP probe: sends the module's payload (`payload` text or `payload_hex`) to
 * host:port through the shared socket pool and waits for the reply; with `expect`, the reply
 * (read as Latin-1, so any byte matches `\xNN`) must match the regex. Outcomes: success,
 * `timeout` (no reply in time), `refused` (ICMP port unreachable: a closed port, in about one
 * RTT), `unreachable` (ICMP host/net unreachable, or the send failed so), `mismatch`, `dns` or
 * `error`. ICMP errors are read from our sockets' error queue (`IP_RECVERR`); without the FFI
 * permission the pool falls back to Deno's sockets, where a closed port is a `timeout`.
 */
import { resolveTarget } from "./resolve_target.ts";
import { Counter, type Registry } from "../base/prom.ts";
import { errnoReason, failureReason } from "./failure_reason.ts";
import { SendError } from "./udp_transport.ts";
import { moduleSocketOptions } from "./socket/socket_options.ts";
import { createResolver, type Resolver } from "../net/resolver.ts";
import type { ProbeOutcome } from "./types.ts";
import type { Clock } from "../base/clock.ts";
import { systemClock } from "../base/clock.ts";
import type { Probe } from "./types.ts";
import type { ProbeJob } from "../schedule/job.ts";
import { addressFields } from "./address_fields.ts";
import { latin1Text } from "../base/peer_regex.ts";
import { createUdpMux, UDP_IGNORE_REASONS, type UdpMux, type UdpMuxOptions } from "./udp_mux.ts";

/** Options of {@linkcode createUdpProbe}. */
export interface UdpProbeOptions extends Omit<UdpMuxOptions, "clock" | "onIgnored"> {
  /** Registers `vmprober_udp_replies_ignored_total{reason}`. */
  registry?: Registry;
  resolver?: Resolver;
  clock?: Clock;
}

/** The UDP probe; dispose it to close its sockets. */
export interface UdpProbe extends Probe<"udp"> {
  [Symbol.asyncDispose](): Promise<void>;
  readonly mux: UdpMux;
  close(): Promise<void>;
}

/** The bytes a module sends: `payload_hex` wins over `payload`; neither is an empty datagram. */
export function udpPayload(options: { payload?: string; payload_hex?: string }): Uint8Array {
  if (options.payload_hex !== undefined) {
    const hex = options.payload_hex;
    return Uint8Array.from(
      { length: hex.length / 2 },
      (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16),
    );
  }
  return new TextEncoder().encode(options.payload ?? "");
}

function ignoredCounter(registry: Registry | undefined) {
  if (!registry) return undefined;
  const name = "vmprober_udp_replies_ignored_total";
  const existing = registry.getSingleMetric(name) as Counter<"reason"> | undefined;
  if (existing) return existing;
  const c = new Counter({
    name,
    help: "UDP datagrams received that no probe was waiting for, by reason",
    labelNames: ["reason"],
    registers: [registry],
  });
  for (const reason of UDP_IGNORE_REASONS) c.inc({ reason }, 0);
  return c;
}

/** Creates the UDP probe with its socket pool. */
export function createUdpProbe(options: UdpProbeOptions = {}): UdpProbe {
  const clock = options.clock ?? systemClock;
  const resolver = options.resolver ?? createResolver();
  const ignored = ignoredCounter(options.registry);
  const mux = createUdpMux({ ...options, clock, onIgnored: (reason) => ignored?.inc({ reason }) });
  return {
    type: "udp",
    mux,
    async run(job: ProbeJob<"udp">, signal: AbortSignal): Promise<ProbeOutcome> {
      const started = clock.now();
      const elapsed = () => (clock.now() - started) / 1000;
      if (job.port === undefined) {
        return {
          success: false,
          durationSeconds: 0,
          reason: "error",
          detail: "no port: set the module's port or target:port",
        };
      }
      const lookup = await resolveTarget(resolver, job, signal);
      if (!lookup.ok) {
        return {
          success: false,
          durationSeconds: elapsed(),
          dnsLookupSeconds: elapsed(),
          reason: lookup.reason,
          detail: lookup.detail,
        };
      }
      const { resolved } = lookup;
      const addr = addressFields(resolved, elapsed());
      const remaining = Math.max(0, job.timeoutMs - (clock.now() - started));
      const exchangeAt = clock.now();
      const result = await mux.exchange(
        resolved.ip,
        resolved.family,
        job.port,
        udpPayload(job.options),
        remaining,
        signal,
        moduleSocketOptions(job.options, resolved.family),
      );
      // The reply's (or error's) kernel stamp; with polling, now would add up to one poll.
      const durationSeconds = result.kind === "timeout"
        ? elapsed()
        : Math.min(elapsed(), (exchangeAt - started) / 1000 + result.seconds);
      if (result.kind === "icmp") {
        return {
          success: false,
          durationSeconds,
          ...addr,
          reason: result.reason,
          detail: result.detail,
        };
      }
      if (result.kind === "timeout") {
        return {
          success: false,
          durationSeconds,
          ...addr,
          reason: "timeout",
          detail: `no reply from ${resolved.ip}:${job.port}`,
        };
      }
      if (result.kind === "error") {
        return {
          success: false,
          durationSeconds,
          ...addr,
          reason: result.error instanceof SendError
            ? errnoReason(result.error.errno)
            : failureReason(result.error),
          detail: result.error instanceof Error ? result.error.message : String(result.error),
        };
      }
      const expect = job.options.expect;
      if (expect !== undefined) {
        if (!expect.test(latin1Text(result.data.subarray(0, 65536)))) {
          return {
            success: false,
            durationSeconds,
            ...addr,
            reason: "mismatch",
            detail: `reply of ${result.data.length} bytes does not match ${
              JSON.stringify(String(expect))
            }`,
          };
        }
      }
      return {
        success: true,
        durationSeconds,
        ...addr,
        failedDueToRegex: expect !== undefined ? false : undefined,
      };
    },
    close: () => mux.close(),
    [Symbol.asyncDispose]: () => mux.close(),
  };
}
