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
import { buildEchoRequest, COOKIE_BYTES } from "../icmp/echo_packet.ts";
import type { IcmpSocket } from "../icmp/ffi_socket.ts";
import { canonicalIp } from "../icmp/sockaddr.ts";
import { errnoReason } from "../failure_reason.ts";
import { compactIp } from "./ip_text.ts";
import { decodeIcmpQuote, type QuoteIgnoreReason } from "./icmp_quote.ts";
import type { TraceHop, TraceOptions, TraceResult } from "./types.ts";
import { openUdpSender, type UdpSender, type UdpSenderOptions } from "./udp_sender.ts";
import type { SocketOptions } from "../socket/socket_options.ts";
import { openTcpSender, type TcpProbeSocket, type TcpSender } from "./tcp_sender.ts";

/** Why an ICMP message was not taken as an answer to one of our path probes. */
export type TraceIgnoreReason = QuoteIgnoreReason | "foreign" | "mismatch" | "duplicate";

/** Every ignore reason, for metric pre-registration. */
export const TRACE_IGNORE_REASONS: readonly TraceIgnoreReason[] = [
  "short",
  "checksum",
  "other_type",
  "bad_quote",
  "foreign",
  "mismatch",
  "duplicate",
];

interface Pending {
  run: RunState;
  ttl: number;
  sentNs: number;
  sentMono: number;
  answered: boolean;
  /** `protocol: tcp`: the probe's own socket, open until it is answered or the run ends. */
  tcp?: TcpProbeSocket;
}

interface RunState {
  destination: string;
  cookie: Uint8Array;
  hops: TraceHop[];
  destinationTtl?: number;
  /** The lowest TTL a router answered with destination unreachable: nothing goes past it. */
  unreachable?: { ttl: number; from: string; code: number };
  /** Probes sent and not answered, by TTL (only those at or below the limit matter). */
  outstanding: number[];
  wake?: () => void;
}

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

/** Linux's initial TCP retransmission timeout: a SYN unanswered by then is sent again. */
const TCP_RTO_MS = 1000;

const limitOf = (run: RunState, maxHops: number) =>
  Math.min(run.destinationTtl ?? maxHops, run.unreachable?.ttl ?? maxHops);

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
  /** ICMP probes by identifier << 16 | sequence; UDP probes by source port << 16 | destination port. */
  const pending = new Map<number, Pending>();
  const pendingUdp = new Map<number, Pending>();
  /** TCP probes by source port << 16 | destination port. */
  const pendingTcp = new Map<number, Pending>();
  let tcpSender: TcpSender | undefined;
  const identifiers = new Set<number>();
  let polling = false;
  let closed = false;
  const stopPoll = new AbortController();

  const hasCookie = (bytes: Uint8Array, cookie: Uint8Array) => {
    // A quote may stop short of the cookie (RFC 792 asks for 8 bytes); what is there must match.
    const n = Math.min(cookie.length, bytes.length);
    for (let i = 0; i < n; i++) if (bytes[i] !== cookie[i]) return false;
    return true;
  };

  const answer = (entry: Pending, from: string, receivedNs: number, isDestination: boolean) => {
    const run = entry.run;
    entry.answered = true;
    run.outstanding[entry.ttl] = (run.outstanding[entry.ttl] ?? 1) - 1;
    if (isDestination && (run.destinationTtl === undefined || entry.ttl < run.destinationTtl)) {
      run.destinationTtl = entry.ttl;
    }
    const hop = run.hops[entry.ttl - 1]!;
    const monoSeconds = (clock.now() - entry.sentMono) / 1000;
    let rtt = (receivedNs - entry.sentNs) / 1e9;
    if (!(rtt >= 0 && rtt <= monoSeconds + 0.001)) rtt = monoSeconds; // the wall clock stepped
    hop.rttsSeconds.push(rtt);
    hop.addresses.set(from, (hop.addresses.get(from) ?? 0) + 1);
    let left = 0;
    const limit = limitOf(run, run.hops.length);
    for (let t = 1; t <= limit; t++) left += run.outstanding[t] ?? 0;
    if (left === 0) run.wake?.();
  };

  const dispatch = () => {
    for (const packet of socket.receive(DRAIN_MAX)) {
      const m = decodeIcmpQuote(packet.bytes, socket.family, withIpHeader);
      if (typeof m === "string") {
        onIgnored(m);
        continue;
      }
      const source = packet.source ?? "";
      let entry: Pending | undefined;
      if (m.kind === "echo_reply") {
        entry = pending.get(m.identifier * 65536 + m.sequence);
        if (!entry) {
          onIgnored("foreign");
          continue;
        }
        if (source !== entry.run.destination || !hasCookie(m.payload, entry.run.cookie)) {
          onIgnored("mismatch");
          continue;
        }
      } else {
        const icmp = m.protocol === 1 || m.protocol === 58;
        const key = m.first * 65536 + m.second;
        entry = icmp
          ? pending.get(key)
          : m.protocol === 17
          ? pendingUdp.get(key)
          : m.protocol === 6
          ? pendingTcp.get(key)
          : undefined;
        if (!entry) {
          onIgnored("foreign");
          continue;
        }
        if (
          m.destination !== entry.run.destination ||
          // A SYN has no payload to carry the cookie: its own socket's port is the key.
          (!entry.tcp && !hasCookie(m.quoted.subarray(8), entry.run.cookie))
        ) {
          onIgnored("mismatch");
          continue;
        }
      }
      if (entry.answered) {
        onIgnored("duplicate");
        continue;
      }
      const isDestination = source === entry.run.destination;
      const run = entry.run;
      if (
        m.kind === "unreachable" && !isDestination &&
        (run.unreachable === undefined || entry.ttl < run.unreachable.ttl)
      ) run.unreachable = { ttl: entry.ttl, from: source, code: m.code };
      answer(entry, source, packet.receivedNs, isDestination);
      entry.tcp?.close();
    }
    // TCP: the destination answers the SYN itself (handshake or reset), seen in the socket's state.
    // The kernel sends a lost SYN again after its 1 s initial RTO: what answers after that is
    // the second SYN's, so the probe counts as lost and its socket and key go.
    const now = clock.now();
    for (const [key, entry] of pendingTcp) {
      if (entry.answered || !entry.tcp) continue;
      if (now - entry.sentMono >= TCP_RTO_MS) {
        entry.tcp.close();
        pendingTcp.delete(key);
        continue;
      }
      const state = entry.tcp.state();
      if (state === "pending") continue;
      entry.tcp.close();
      if (state === "failed") continue;
      answer(entry, entry.run.destination, socket.realtimeNs(), true);
    }
  };

  const poll = async () => {
    if (polling) return;
    polling = true;
    try {
      while (pending.size + pendingUdp.size + pendingTcp.size > 0 && !closed) {
        await clock.sleep(pollMs, stopPoll.signal).catch(() => {});
        if (!closed) dispatch();
      }
    } finally {
      polling = false;
    }
  };

  /** An identifier no run in flight holds (so no key of this run can be another's). */
  const reserve = (): number | undefined => {
    const r = new Uint16Array(1);
    for (let attempt = 0; attempt < 64; attempt++) {
      random(new Uint8Array(r.buffer));
      if (!identifiers.has(r[0]!)) return r[0]!;
    }
    return undefined;
  };

  return {
    inFlight: () => pending.size + pendingUdp.size + pendingTcp.size,
    drain: dispatch,
    async trace(ip, opts, signal) {
      const started = clock.now();
      const deadline = started + opts.timeoutMs;
      const maxHops = Math.min(opts.maxHops, 255);
      const udp = opts.protocol === "udp";
      const tcp = opts.protocol === "tcp";
      // Sequences of one run: round r, TTL t → r * maxHops + t - 1 (at most 65,536 per run; UDP
      // adds them to the base port, which must stay ≤ 65,535).
      const room = udp ? 65536 - opts.port : 65536;
      const count = Math.min(opts.count, Math.floor(room / maxHops));
      let sender: UdpSender | undefined;
      if (tcp) {
        try {
          tcpSender ??= (options.openTcp ?? openTcpSender)(socket.family, opts.socketOptions);
        } catch (error) {
          return {
            hops: [],
            failure: {
              reason: "error",
              detail: error instanceof Error ? error.message : String(error),
            },
          };
        }
      }
      if (udp) {
        try {
          sender = openUdp(socket.family, { socketOptions: opts.socketOptions });
        } catch (error) {
          return {
            hops: [],
            failure: {
              reason: "error",
              detail: error instanceof Error ? error.message : String(error),
            },
          };
        }
      }
      const identifier = reserve();
      if (identifier === undefined) {
        return { hops: [], failure: { reason: "error", detail: "no free ICMP identifier" } };
      }
      identifiers.add(identifier);
      const run: RunState = {
        destination: canonicalIp(ip, socket.family),
        cookie: random(new Uint8Array(Math.min(COOKIE_BYTES, opts.size))),
        hops: Array.from({ length: maxHops }, (_, i) => ({
          ttl: i + 1,
          sent: 0,
          rttsSeconds: [],
          addresses: new Map(),
        })),
        outstanding: [],
      };
      socket.ensureCapacity(opts.size + 68);
      const keys: number[] = [];
      const udpKeys: number[] = [];
      const tcpKeys: number[] = [];
      const udpPayload = new Uint8Array(opts.size);
      udpPayload.set(run.cookie);
      for (let i = run.cookie.length; i < opts.size; i++) udpPayload[i] = i & 0xff;
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
            const sequence = round * maxHops + ttl - 1;
            const entry: Pending = { run, ttl, sentNs: 0, sentMono: clock.now(), answered: false };
            if (tcp) {
              entry.sentNs = socket.realtimeNs();
              const probe = tcpSender!.connect(ip, opts.port, ttl);
              if ("errno" in probe) {
                sendError ??= probe.errno;
                continue;
              }
              const key = probe.port * 65536 + opts.port;
              entry.tcp = probe;
              pendingTcp.set(key, entry);
              tcpKeys.push(key);
            } else if (sender) {
              const dport = opts.port + sequence;
              const key = sender.port * 65536 + dport;
              entry.sentNs = socket.realtimeNs();
              const failed = sender.send(ip, dport, udpPayload, ttl);
              if (failed) {
                sendError ??= failed.errno;
                continue;
              }
              pendingUdp.set(key, entry);
              udpKeys.push(key);
            } else {
              const key = identifier * 65536 + sequence;
              const packet = buildEchoRequest({
                family: socket.family,
                identifier,
                sequence,
                cookie: run.cookie,
                size: opts.size,
              });
              const sent = socket.send(ip, packet, ttl);
              if ("errno" in sent) {
                sendError ??= sent.errno;
                continue;
              }
              entry.sentNs = sent.sentNs;
              pending.set(key, entry);
              keys.push(key);
            }
            run.hops[ttl - 1]!.sent++;
            run.outstanding[ttl] = (run.outstanding[ttl] ?? 0) + 1;
            sentAny = true;
          }
          dispatch();
          void poll();
        }
        let left = 0;
        const limit = limitOf(run, maxHops);
        for (let t = 1; t <= limit; t++) left += run.outstanding[t] ?? 0;
        if (left > 0 && !signal?.aborted) {
          const waitMs = deadline - clock.now();
          if (waitMs > 0) {
            run.wake = () => done.abort();
            await clock.sleep(waitMs, done.signal).catch(() => {});
          }
          dispatch();
        }
      } finally {
        signal?.removeEventListener("abort", onAbort);
        for (const key of keys) pending.delete(key);
        for (const key of udpKeys) pendingUdp.delete(key);
        for (const key of tcpKeys) {
          const e = pendingTcp.get(key); // gone at the RTO, and its port maybe another run's since
          if (e?.run !== run) continue;
          e.tcp?.close();
          pendingTcp.delete(key);
        }
        identifiers.delete(identifier);
        sender?.close();
      }
      if (!sentAny) {
        return {
          hops: [],
          failure: {
            reason: sendError === undefined ? "error" : errnoReason(sendError),
            detail: `sendto failed: errno ${sendError ?? 0}`,
          },
        };
      }
      const last = limitOf(run, maxHops);
      return {
        hops: run.hops.slice(0, last),
        destinationTtl: run.destinationTtl,
        unreachable: run.destinationTtl === undefined && run.unreachable
          ? {
            hop: run.unreachable.ttl,
            from: compactIp(run.unreachable.from),
            code: run.unreachable.code,
          }
          : undefined,
      };
    },
    close() {
      if (closed) return;
      closed = true;
      stopPoll.abort();
      pending.clear();
      pendingUdp.clear();
      for (const entry of pendingTcp.values()) entry.tcp?.close();
      pendingTcp.clear();
      socket.close();
    },
  };
}
