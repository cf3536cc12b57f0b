/**
 * @module The sockets of an unprivileged path run (no raw ICMP socket): a UDP socket, an ICMP
 * datagram socket where `net.ipv4.ping_group_range` holds our group, or a TCP socket per SYN, each with
 * `IP_RECVERR` / `IPV6_RECVERR`, so the kernel queues the time-exceeded and unreachable errors
 * about our own packets on it, the router's address as the offender (Linux traceroute's
 * unprivileged way). The socket is the run's own: the kernel hands it nothing of other runs.
 * UDP and TCP errors carry the kernel's receive stamp (`SO_TIMESTAMPNS`); the ICMP datagram
 * socket's errors, and a TCP destination's answer (the socket's state), are stamped when read
 * (the poll's grain).
 */
import { buildEchoRequest } from "../icmp/echo_packet.ts";
import { openIcmpSocket } from "../icmp/ffi_socket.ts";
import type { SocketError } from "../socket/icmp_error.ts";
import type { SocketOptions } from "../socket/socket_options.ts";
import { decodeIcmpQuote } from "./icmp_quote.ts";
import { openUdpSender, type UdpSender } from "./udp_sender.ts";
import { openTcpSender, type TcpProbeSocket } from "./tcp_sender.ts";

/** One answer read back: to the probe of sequence `sequence`. */
export interface RunAnswer {
  sequence: number;
  /** Canonical text of who answered. */
  from: string;
  /** `hop`: time exceeded; `destination`: the destination itself answered; `unreachable`: a router said so. */
  kind: "hop" | "destination" | "unreachable";
  code: number;
  /** Realtime ns (the socket's scale) it was received, or read from the queue. */
  receivedNs: number;
  /** Bytes after the header of ours it quotes (or the reply's payload): where the cookie sits. */
  payload: Uint8Array;
}

/** A run's socket. */
export interface RunSocket {
  send(ip: string, sequence: number, ttl: number): { sentNs: number } | { errno: number };
  /** Answers since the last read. */
  read(): RunAnswer[];
  close(): void;
}

/** What a run's socket is given. */
export interface RunSocketSpec {
  family: 4 | 6;
  /** Canonical destination. */
  destination: string;
  size: number;
  cookie: Uint8Array;
  /** UDP: the first destination port (sequence n goes to port + n); TCP: the port. */
  port: number;
  socketOptions?: SocketOptions;
}

/** What a queued error says about the probe it quotes. */
export function classifyError(
  e: SocketError,
  family: 4 | 6,
  destination: string,
): RunAnswer["kind"] | undefined {
  if (e.origin !== (family === 4 ? "icmp" : "icmp6") || e.offender === undefined) return undefined;
  if (e.destination !== undefined && e.destination !== destination) return undefined;
  const [exceeded, unreachable] = family === 4 ? [11, 3] : [3, 1];
  if (e.type === exceeded) return "hop";
  if (e.type !== unreachable) return undefined;
  return e.offender === destination ? "destination" : "unreachable";
}

const realtimeNs = () => (performance.timeOrigin + performance.now()) * 1e6;

/** A UDP socket of its own: sequence n to port + n; the destination answers port unreachable. */
export function openUdpRunSocket(
  spec: RunSocketSpec,
  open: typeof openUdpSender = openUdpSender,
): RunSocket {
  const sender: UdpSender = open(spec.family, {
    socketOptions: spec.socketOptions,
    errorQueue: true,
  });
  // The kernel stamps errors on CLOCK_REALTIME: sends are stamped on it too.
  const now = () => sender.realtimeNs?.() ?? realtimeNs();
  const payload = new Uint8Array(spec.size);
  payload.set(spec.cookie);
  for (let i = spec.cookie.length; i < spec.size; i++) payload[i] = i & 0xff;
  return {
    send(ip, sequence, ttl) {
      const sentNs = now();
      const failed = sender.send(ip, spec.port + sequence, payload, ttl);
      return failed ?? { sentNs };
    },
    read() {
      const readAt = now();
      const out: RunAnswer[] = [];
      for (const e of sender.receiveErrors?.(4096) ?? []) {
        const kind = classifyError(e, spec.family, spec.destination);
        if (!kind) continue;
        out.push({
          sequence: e.port - spec.port,
          from: e.offender!,
          kind,
          code: e.code,
          receivedNs: e.stampNs ?? readAt,
          payload: e.original,
        });
      }
      return out;
    },
    close: () => sender.close(),
  };
}

/**
 * An ICMP datagram socket of its own (the kernel sets the echo identifier to its port): echo
 * replies are the destination's answers, queued errors the routers'. Throws when
 * `ping_group_range` excludes our group (errno 13).
 */
export function openIcmpRunSocket(spec: RunSocketSpec, open = openIcmpSocket): RunSocket {
  const socket = open(spec.family, "dgram", {
    socketOptions: spec.socketOptions,
    errorQueue: true,
  });
  socket.ensureCapacity(spec.size + 68);
  return {
    send(ip, sequence, ttl) {
      const packet = buildEchoRequest({
        family: spec.family,
        identifier: 0,
        sequence,
        cookie: spec.cookie,
        size: spec.size,
      });
      let sent = socket.send(ip, packet, ttl);
      // A queued error also sets the socket's pending error, which one send returns: again.
      for (let i = 0; i < 8 && "errno" in sent && [113, 111, 101, 112].includes(sent.errno); i++) {
        sent = socket.send(ip, packet, ttl);
      }
      return sent;
    },
    read() {
      const out: RunAnswer[] = [];
      const now = socket.realtimeNs();
      for (const e of socket.receiveErrors?.(4096) ?? []) {
        const kind = classifyError(e, spec.family, spec.destination);
        if (!kind || e.original.length < 8) continue;
        out.push({
          sequence: (e.original[6]! << 8) | e.original[7]!,
          from: e.offender!,
          kind,
          code: e.code,
          receivedNs: now,
          payload: e.original.subarray(8),
        });
      }
      for (const p of socket.receive(4096)) {
        const m = decodeIcmpQuote(p.bytes, spec.family, false);
        if (typeof m === "string" || m.kind !== "echo_reply" || p.source !== spec.destination) {
          continue;
        }
        out.push({
          sequence: m.sequence,
          from: p.source,
          kind: "destination",
          code: 0,
          receivedNs: p.receivedNs,
          payload: m.payload,
        });
      }
      return out;
    },
    close: () => socket.close(),
  };
}

/** Linux's initial TCP retransmission timeout: what answers a SYN after it answers the resent one. */
const TCP_RTO_MS = 1000;

/**
 * TCP SYNs, each from a socket of its own with `IP_RECVERR` (as `traceroute -M tcpconn`): a
 * router's time exceeded is queued on that socket; the destination completes the handshake or
 * resets it, seen in the socket's state when read. A SYN unanswered within 1 s is lost (the
 * kernel sends it again then) and its socket closes.
 */
export function openTcpRunSocket(
  spec: RunSocketSpec,
  open: typeof openTcpSender = openTcpSender,
): RunSocket {
  const sender = open(spec.family, spec.socketOptions, true);
  const now = () => sender.realtimeNs?.() ?? realtimeNs();
  const probes = new Map<number, { socket: TcpProbeSocket; sentMs: number }>();
  const answer = (
    sequence: number,
    from: string,
    kind: RunAnswer["kind"],
    code = 0,
    stampNs?: number,
  ) => ({
    sequence,
    from,
    kind,
    code,
    receivedNs: stampNs ?? now(),
    payload: new Uint8Array(),
  });
  return {
    send(ip, sequence, ttl) {
      const sentNs = now();
      const probe = sender.connect(ip, spec.port, ttl);
      if ("errno" in probe) return probe;
      probes.set(sequence, { socket: probe, sentMs: performance.now() });
      return { sentNs };
    },
    read() {
      const out: RunAnswer[] = [];
      const now = performance.now();
      for (const [sequence, p] of probes) {
        let done = false;
        for (const e of p.socket.receiveErrors?.() ?? []) {
          const kind = classifyError(e, spec.family, spec.destination);
          if (!kind || done) continue;
          out.push(answer(sequence, e.offender!, kind, e.code, e.stampNs));
          done = true;
        }
        if (!done) {
          const state = p.socket.state();
          if (state === "open" || state === "refused") {
            out.push(answer(sequence, spec.destination, "destination"));
          }
          done = state !== "pending" || now - p.sentMs >= TCP_RTO_MS;
        }
        if (done) {
          p.socket.close();
          probes.delete(sequence);
        }
      }
      return out;
    },
    close() {
      for (const p of probes.values()) p.socket.close();
      probes.clear();
    },
  };
}
