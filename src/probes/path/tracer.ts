/**
 * @module The in-process tracer: one raw ICMP socket per address family and socket options
 * (opened on first use, passing echo replies, time exceeded and destination unreachable), each
 * wrapped in a trace channel. Reading other hosts' time-exceeded messages on a raw socket needs
 * root or CAP_NET_RAW; without it (the raw socket's open fails with EPERM / EACCES) the tracer
 * goes unprivileged, logged once: each run gets a UDP socket (`protocol: udp`) or an ICMP
 * datagram socket (`protocol: icmp`, where `net.ipv4.ping_group_range` holds our group) of its
 * own, or a TCP socket per SYN (`protocol: tcp`), and reads the routers' errors from its error
 * queue.
 */
import type { Clock } from "../../base/clock.ts";
import { logger } from "../../log.ts";
import { type IcmpSocket, openIcmpSocket, SocketOpenError } from "../icmp/ffi_socket.ts";
import { socketOptionsKey } from "../socket/socket_options.ts";
import { ICMP_TYPES } from "./icmp_quote.ts";
import { createTraceChannel, type TraceChannel, type TraceIgnoreReason } from "./trace_channel.ts";
import { errqueueTrace } from "./errqueue_trace.ts";
import {
  openIcmpRunSocket,
  openTcpRunSocket,
  openUdpRunSocket,
  type RunSocket,
  type RunSocketSpec,
} from "./errqueue_sockets.ts";
import type { PathProtocol, Tracer, TraceResult } from "./types.ts";

/** Options of {@linkcode createTracer}. */
export interface TracerOptions {
  clock?: Clock;
  pollMs?: number;
  onIgnored?: (reason: TraceIgnoreReason, family: 4 | 6) => void;
  /** Opens the raw socket of a family (tests inject fakes and failures). */
  open?: (family: 4 | 6, options: Parameters<typeof openIcmpSocket>[2]) => IcmpSocket;
  /** Opens an unprivileged run's socket (tests inject fakes). */
  openRun?: (protocol: PathProtocol, spec: RunSocketSpec) => RunSocket;
}

/** The ICMP types a path probe's raw socket lets through. */
export function pathIcmpTypes(family: 4 | 6): number[] {
  const t = ICMP_TYPES[family];
  return [t.echoReply, t.timeExceeded, t.unreachable];
}

const PRIVILEGE_ERRNOS = new Set([1, 13]);

/** Creates the tracer; sockets open on the first trace of their family. */
export function createTracer(options: TracerOptions = {}): Tracer {
  const log = logger("probes", "path");
  const open = options.open ??
    ((family: 4 | 6, o: Parameters<typeof openIcmpSocket>[2]) => openIcmpSocket(family, "raw", o));
  const openRun = options.openRun ??
    ((protocol: PathProtocol, spec: RunSocketSpec) => {
      if (protocol === "udp") return openUdpRunSocket(spec);
      if (protocol === "tcp") return openTcpRunSocket(spec);
      try {
        return openIcmpRunSocket(spec);
      } catch (error) {
        if (!(error instanceof SocketOpenError) || !PRIVILEGE_ERRNOS.has(error.errno)) throw error;
        throw new Error(
          "path probes with protocol icmp need CAP_NET_RAW, or net.ipv4.ping_group_range " +
            `holding our group (protocol udp needs neither): ${error.message}`,
        );
      }
    });
  /** By family and socket options key; a string says why it could not open. */
  const channels = new Map<string, TraceChannel | string>();
  /** Families whose raw socket is not allowed: those go unprivileged. */
  const unprivileged = new Set<4 | 6>();
  const channel = (family: 4 | 6, key: string, socketOptions: RunSocketSpec["socketOptions"]) => {
    const id = `${family}|${key}`;
    let c = channels.get(id);
    if (c !== undefined) return c;
    try {
      c = createTraceChannel(
        open(family, { icmpTypes: pathIcmpTypes(family), socketOptions }),
        {
          clock: options.clock,
          pollMs: options.pollMs,
          onIgnored: (reason) => options.onIgnored?.(reason, family),
        },
      );
      log.info("path probes: raw ICMPv{family} socket open", { family });
    } catch (error) {
      if (error instanceof SocketOpenError && PRIVILEGE_ERRNOS.has(error.errno)) {
        unprivileged.add(family);
        log.warn(
          "path probes: no raw ICMPv{family} socket (root or CAP_NET_RAW): {why}; unprivileged " +
            "mode: udp, tcp and icmp (where ping_group_range allows) read hops from the error queue",
          { family, why: error.message },
        );
        return undefined;
      }
      const why = error instanceof Error ? error.message : String(error);
      // An option the socket refused (a source address the host lacks) may be fixed by then.
      if (key !== "") return `path probes: ${why}`;
      c = `path probes need a raw ICMPv${family} socket (root or CAP_NET_RAW): ${why}`;
      log.warn("{why}", { why: c });
    }
    channels.set(id, c);
    return c;
  };
  const runUnprivileged = (
    ip: string,
    family: 4 | 6,
    protocol: PathProtocol,
    traceOptions: Parameters<Tracer["trace"]>[2],
    signal?: AbortSignal,
  ): Promise<TraceResult> => {
    return errqueueTrace(
      ip,
      family,
      traceOptions,
      (spec) => openRun(protocol, spec),
      { clock: options.clock, pollMs: options.pollMs },
      signal,
    );
  };
  const close = () => {
    for (const c of channels.values()) if (typeof c !== "string") c.close();
    channels.clear();
    return Promise.resolve();
  };
  return {
    trace(ip, family, traceOptions, signal): Promise<TraceResult> {
      if (unprivileged.has(family)) {
        return runUnprivileged(ip, family, traceOptions.protocol, traceOptions, signal);
      }
      const c = channel(
        family,
        socketOptionsKey(traceOptions.socketOptions),
        traceOptions.socketOptions,
      );
      if (c === undefined) {
        return runUnprivileged(ip, family, traceOptions.protocol, traceOptions, signal);
      }
      if (typeof c === "string") {
        return Promise.resolve({ hops: [], failure: { reason: "error", detail: c } });
      }
      return c.trace(ip, traceOptions, signal);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
