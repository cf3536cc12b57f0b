/**
 * @module The in-process tracer: one raw ICMP socket per address family (opened on first use,
 * passing echo replies, time exceeded and destination unreachable), each wrapped in a trace
 * channel. Reading other hosts' time-exceeded messages needs a raw socket: root or
 * CAP_NET_RAW. Without it a path probe fails with `error` and says so (logged once).
 */
import type { Clock } from "../../base/clock.ts";
import { logger } from "../../log.ts";
import { type IcmpSocket, openIcmpSocket } from "../icmp/ffi_socket.ts";
import { ICMP_TYPES } from "./icmp_quote.ts";
import { createTraceChannel, type TraceChannel, type TraceIgnoreReason } from "./trace_channel.ts";
import type { Tracer, TraceResult } from "./types.ts";

/** Options of {@linkcode createTracer}. */
export interface TracerOptions {
  clock?: Clock;
  pollMs?: number;
  onIgnored?: (reason: TraceIgnoreReason, family: 4 | 6) => void;
  /** Opens the raw socket of a family (tests inject fakes and failures). */
  open?: (family: 4 | 6) => IcmpSocket;
}

/** The ICMP types a path probe's raw socket lets through. */
export function pathIcmpTypes(family: 4 | 6): number[] {
  const t = ICMP_TYPES[family];
  return [t.echoReply, t.timeExceeded, t.unreachable];
}

/** Creates the tracer; sockets open on the first trace of their family. */
export function createTracer(options: TracerOptions = {}): Tracer {
  const log = logger("probes", "path");
  const open = options.open ??
    ((family: 4 | 6) => openIcmpSocket(family, "raw", { icmpTypes: pathIcmpTypes(family) }));
  const channels = new Map<4 | 6, TraceChannel | string>();
  const channel = (family: 4 | 6): TraceChannel | string => {
    let c = channels.get(family);
    if (c === undefined) {
      try {
        c = createTraceChannel(open(family), {
          clock: options.clock,
          pollMs: options.pollMs,
          onIgnored: (reason) => options.onIgnored?.(reason, family),
        });
        log.info("path probes: raw ICMPv{family} socket open", { family });
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        c = `path probes need a raw ICMPv${family} socket (root or CAP_NET_RAW): ${why}`;
        log.warn("{why}", { why: c });
      }
      channels.set(family, c);
    }
    return c;
  };
  const close = () => {
    for (const c of channels.values()) if (typeof c !== "string") c.close();
    channels.clear();
    return Promise.resolve();
  };
  return {
    trace(ip, family, traceOptions, signal): Promise<TraceResult> {
      const c = channel(family);
      if (typeof c === "string") {
        return Promise.resolve({ hops: [], failure: { reason: "error", detail: c } });
      }
      return c.trace(ip, traceOptions, signal);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
