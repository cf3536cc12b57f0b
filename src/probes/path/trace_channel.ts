/**
 * @module One raw ICMP socket of one family and the path probes in flight on it. A run sends
 * round after round of echo requests (or, `protocol: udp`, UDP datagrams from a socket of its
 * own to port + sequence) with TTL 1, 2, … at once (the first round up to
 * `maxHops`, later ones up to the destination's TTL once it answered) and reads back echo
 * replies and time-exceeded / unreachable errors. Each run reserves an identifier no other run
 * in flight holds and a random payload cookie; an answer counts only if its identifier and
 * sequence are a pending probe's, it is about that probe's destination and, where the bytes
 * reach that far, it carries the cookie: two runs, two probes or two agents never cross.
 */
import type { Clock } from "../../base/clock.ts";
import { systemClock } from "../../base/clock.ts";
import { COOKIE_BYTES } from "../icmp/echo_packet.ts";
import type { IcmpSocket } from "../icmp/ffi_socket.ts";
import { canonicalIp } from "../icmp/sockaddr.ts";
import { decodeIcmpQuote } from "./icmp_quote.ts";
import type { TraceOptions, TraceResult } from "./types.ts";
import { openUdpSender, type UdpSender, type UdpSenderOptions } from "./udp_sender.ts";
import type { SocketOptions } from "../socket/socket_options.ts";
import { openTcpSender, type TcpSender } from "./tcp_sender.ts";
import { matchQuote, type PendingTables, sweepTcp, type TraceIgnoreReason } from "./trace_match.ts";
import {
  answer,
  errorResult,
  limitOf,
  markSent,
  newRun,
  outstandingOf,
  type Pending,
  runResult,
  sendFailedResult,
} from "./trace_run.ts";
import { createIdentifierPool } from "./trace_identifiers.ts";
import { icmpRunSender, type RunSender, tcpRunSender, udpRunSender } from "./trace_senders.ts";

export { TRACE_IGNORE_REASONS, type TraceIgnoreReason } from "./trace_match.ts";

/** Options of {@linkcode createTraceChannel}. */
export interface TraceChannelOptions {
  clock?: Clock;
  /** How often the socket is drained while probes are in flight. Default 2 ms. */
  pollMs?: number;
  onIgnored?: (reason: TraceIgnoreReason) => void;
  /** Random source (tests pin it). */
  random?: (bytes: Uint8Array) => Uint8Array;
  /** Opens the UDP socket of one `protocol: udp` run (tests inject fakes). */
  openUdp?: (family: 4 | 6, options: UdpSenderOptions) => UdpSender;
  /** The TCP sender of `protocol: tcp` runs (tests inject fakes). */
  openTcp?: (family: 4 | 6, socketOptions?: SocketOptions) => TcpSender;
}

/**
 * A family's raw socket plus its table of path probes in flight. The socket options of its runs
 * (`TraceOptions.socketOptions`) must be the raw socket's own: the tracer keeps one channel
 * per family and options.
 */
export interface TraceChannel {
  trace(ip: string, options: TraceOptions, signal?: AbortSignal): Promise<TraceResult>;
  /** Probes in flight (tests). */
  inFlight(): number;
  /** Drains the socket now and dispatches what it holds. */
  drain(): void;
  close(): void;
}

/** Most packets one drain reads (as the echo channel: a busy host sees every ICMP message). */
const DRAIN_MAX = 4096;

/** Wraps an open raw ICMP socket (passing echo replies and errors) into a trace channel. */
export function createTraceChannel(
  socket: IcmpSocket,
  options: TraceChannelOptions = {},
): TraceChannel {
  const clock = options.clock ?? systemClock;
  const pollMs = options.pollMs ?? 2;
  const random = options.random ?? ((b: Uint8Array) => crypto.getRandomValues(b));
  const onIgnored = options.onIgnored ?? (() => {});
  const withIpHeader = socket.family === 4;
  const openUdp = options.openUdp ?? openUdpSender;
  const tables: PendingTables = { icmp: new Map(), udp: new Map(), tcp: new Map() };
  let tcpSender: TcpSender | undefined;
  const identifiers = createIdentifierPool(random);
  let polling = false;
  let closed = false;
  const stopPoll = new AbortController();
  const inFlight = () => tables.icmp.size + tables.udp.size + tables.tcp.size;

  const dispatch = () => {
    for (const packet of socket.receive(DRAIN_MAX)) {
      const m = decodeIcmpQuote(packet.bytes, socket.family, withIpHeader);
      if (typeof m === "string") {
        onIgnored(m);
        continue;
      }
      const source = packet.source ?? "";
      const entry = matchQuote(m, source, tables);
      if (typeof entry === "string") {
        onIgnored(entry);
        continue;
      }
      const isDestination = source === entry.run.destination;
      const run = entry.run;
      if (
        m.kind === "unreachable" && !isDestination &&
        (run.unreachable === undefined || entry.ttl < run.unreachable.ttl)
      ) run.unreachable = { ttl: entry.ttl, from: source, code: m.code };
      answer(entry, { from: source, receivedNs: packet.receivedNs, isDestination }, clock.now());
      entry.tcp?.close();
    }
    sweepTcp(tables.tcp, clock.now(), (entry) => {
      const reply = { from: entry.run.destination, receivedNs: socket.realtimeNs() };
      answer(entry, { ...reply, isDestination: true }, clock.now());
    });
  };

  const poll = async () => {
    if (polling) return;
    polling = true;
    try {
      while (inFlight() > 0 && !closed) {
        await clock.sleep(pollMs, stopPoll.signal).catch(() => {});
        if (!closed) dispatch();
      }
    } finally {
      polling = false;
    }
  };

  return {
    inFlight,
    drain: dispatch,
    async trace(ip, opts, signal) {
      const started = clock.now();
      const deadline = started + opts.timeoutMs;
      const maxHops = Math.min(opts.maxHops, 255);
      // Sequences of one run: round r, TTL t → r * maxHops + t - 1 (at most 65,536 per run; UDP
      // adds them to the base port, which must stay ≤ 65,535).
      const room = opts.protocol === "udp" ? 65536 - opts.port : 65536;
      const count = Math.min(opts.count, Math.floor(room / maxHops));
      // The identifier first: a run refused for want of one has opened nothing to close.
      const identifier = identifiers.reserve();
      if (identifier === undefined) return errorResult("no free ICMP identifier");
      let udpSocket: UdpSender | undefined;
      try {
        if (opts.protocol === "tcp") {
          tcpSender ??= (options.openTcp ?? openTcpSender)(socket.family, opts.socketOptions);
        }
        if (opts.protocol === "udp") {
          udpSocket = openUdp(socket.family, { socketOptions: opts.socketOptions });
        }
      } catch (error) {
        identifiers.release(identifier);
        return errorResult(error);
      }
      const run = newRun(
        canonicalIp(ip, socket.family),
        random(new Uint8Array(Math.min(COOKIE_BYTES, opts.size))),
        maxHops,
      );
      socket.ensureCapacity(opts.size + 68);
      const ctx = { socket, tables, ip, opts, run };
      const sender: RunSender = opts.protocol === "tcp"
        ? tcpRunSender(ctx, tcpSender!)
        : udpSocket
        ? udpRunSender(ctx, udpSocket)
        : icmpRunSender(ctx, identifier);
      const done = new AbortController();
      const onAbort = () => done.abort();
      signal?.addEventListener("abort", onAbort, { once: true });
      let sentAny = false;
      let sendError: number | undefined;
      try {
        for (let round = 0; round < count && !closed && !signal?.aborted; round++) {
          if (round > 0) {
            const at = started + round * opts.intervalMs;
            if (at >= deadline) break;
            await clock.sleep(at - clock.now(), done.signal).catch(() => {});
            if (signal?.aborted || closed) break;
          }
          const limit = limitOf(run, maxHops);
          for (let ttl = 1; ttl <= limit; ttl++) {
            const entry: Pending = { run, ttl, sentNs: 0, sentMono: clock.now(), answered: false };
            const errno = sender.send(entry, round * maxHops + ttl - 1);
            if (errno !== undefined) {
              sendError ??= errno;
              continue;
            }
            markSent(run, ttl);
            sentAny = true;
          }
          dispatch();
          void poll();
        }
        if (outstandingOf(run, maxHops) > 0 && !signal?.aborted) {
          const waitMs = deadline - clock.now();
          if (waitMs > 0) {
            run.wake = () => done.abort();
            await clock.sleep(waitMs, done.signal).catch(() => {});
          }
          dispatch();
        }
      } finally {
        signal?.removeEventListener("abort", onAbort);
        sender.close();
        identifiers.release(identifier);
      }
      return sentAny ? runResult(run, maxHops) : sendFailedResult(sendError);
    },
    close() {
      if (closed) return;
      closed = true;
      stopPoll.abort();
      tables.icmp.clear();
      tables.udp.clear();
      for (const entry of tables.tcp.values()) entry.tcp?.close();
      tables.tcp.clear();
      socket.close();
    },
  };
}
