/**
 * @module One shared ICMP socket of one family and the echo requests in flight on it. Each run
 * reserves fresh (identifier, sequence) keys and a random payload cookie; a reply counts only if
 * its key, source address and cookie all match, so concurrent runs, a second agent on the host
 * or a restart never cross. RTT = kernel receive stamp − realtime stamp right before `sendto`,
 * checked against the monotonic clock (a clock step cannot produce a negative or huge RTT).
 */
import type { Clock } from "../../base/clock.ts";
import type { FailureReason } from "../types.ts";
import { systemClock } from "../../base/clock.ts";
import { errnoReason } from "../failure_reason.ts";
import {
  buildEchoRequest,
  COOKIE_BYTES,
  type EchoReplyFields,
  type IgnoreReason,
  parseEchoReply,
} from "./echo_packet.ts";
import { ID_MASK } from "./echo_filter.ts";
import type { IcmpSocket, PacketView } from "./ffi_socket.ts";
import { canonicalIp, ipBytes } from "./sockaddr.ts";
import { icmpErrorOutcome, type SocketError } from "../socket/icmp_error.ts";
import { matchEchoError } from "./echo_error.ts";
import type { EchoRunOptions, EchoRunResult } from "./types.ts";

interface Pending {
  source: string;
  /** The target's address bytes (4 or 16): a reply must come from there. */
  addr: Uint8Array;
  cookie: Uint8Array;
  sentNs: number;
  sentMono: number;
  index: number;
  run: RunState;
  /** An ICMP error came back for it. */
  errored?: boolean;
}

interface RunState {
  rtts: (number | undefined)[];
  /** Monotonic ms the latest reply arrived (its kernel stamp on the monotonic scale). */
  lastArrivalMono: number;
  /** Monotonic ms the first request went out. */
  firstSentMono?: number;
  hopLimit?: number;
  answered: number;
  /** Requests an ICMP error came back for (unreachable, time exceeded, too big). */
  errored: number;
  /** The first such error, as the run's failure when no reply came. */
  error?: { reason: FailureReason; detail: string };
  sent: number;
  sending: boolean;
  /** Monotonic ms the run gives up waiting for replies. */
  deadline: number;
  /** The caller's signal: the poll wakes a waiting run once it aborted. */
  signal?: AbortSignal;
  wake?: () => void;
}

/** Options of {@linkcode createEchoChannel}. */
export interface EchoChannelOptions {
  clock?: Clock;
  /** How often the socket is drained while requests are in flight. Default 2 ms. */
  pollMs?: number;
  /** Called for every packet that is not one of our replies. */
  onIgnored?: (reason: IgnoreReason) => void;
  /** Random source (tests pin it). */
  random?: (bytes: Uint8Array) => Uint8Array;
}

/** A family's shared socket plus its table of requests in flight. */
export interface EchoChannel {
  run(ip: string, options: EchoRunOptions, signal?: AbortSignal): Promise<EchoRunResult>;
  /** Requests in flight (for tests and metrics). */
  inFlight(): number;
  /** Raw sockets: this channel's identifiers are `identifierBase..identifierBase+15`. */
  readonly identifierBase: number;
  /** Drains the socket now and dispatches what it holds. */
  drain(): void;
  close(): void;
}

/**
 * Most packets one drain reads (64 `recvmmsg` batches). A raw socket sees every echo reply on
 * the host: behind another process's flood ping (~50,000 replies/s) a drain of one batch every
 * poll fell behind, and our replies waited in the queue past their timeout. 4,096 per 2 ms poll
 * keeps up with 2 M packets/s; a drain costs ~1 µs per packet.
 */
const DRAIN_MAX = 4096;

/** Wraps an open ICMP socket into a channel that runs echo sequences on it. */
export function createEchoChannel(
  socket: IcmpSocket,
  options: EchoChannelOptions = {},
): EchoChannel {
  const clock = options.clock ?? systemClock;
  const pollMs = options.pollMs ?? 2;
  const random = options.random ?? ((b: Uint8Array) => crypto.getRandomValues(b));
  const onIgnored = options.onIgnored ?? (() => {});
  const withIpHeader = socket.kind === "raw" && socket.family === 4;
  // Datagram sockets: the kernel owns the identifier (it is the socket's port), so keys are
  // sequences alone; raw sockets: identifier << 16 | sequence.
  const keyed = socket.kind === "raw";
  // A raw socket's identifiers: idBase..idBase+15, the block its kernel filter passes
  // (echo_filter.ts): another pinger's replies never reach the parser.
  const idBase = random(new Uint8Array(2)).reduce((a, b) => a * 256 + b, 0) & ID_MASK;
  if (keyed) socket.filterIdentifiers?.(idBase);
  const pending = new Map<number, Pending>();
  /** Runs waiting for their last replies: the poll wakes them at their deadline (no timer each). */
  const waiting = new Set<RunState>();
  let polling = false;
  let closed = false;
  const stopPoll = new AbortController();

  /** Hands every queued ICMP error to its run; returns the local ones no run took. */
  const dispatchErrors = (): SocketError[] => {
    const unmatched: SocketError[] = [];
    for (const e of socket.receiveErrors?.() ?? []) {
      const key = matchEchoError(e, socket.family, keyed);
      const entry = key === undefined ? undefined : pending.get(key);
      if (!entry || (e.destination !== undefined && e.destination !== entry.source)) {
        if (e.origin === "local") unmatched.push(e);
        else onIgnored("foreign");
        continue;
      }
      const run = entry.run;
      if (run.rtts[entry.index] !== undefined || entry.errored) {
        onIgnored("duplicate");
        continue;
      }
      entry.errored = true;
      run.error ??= icmpErrorOutcome(e);
      run.errored++;
      run.lastArrivalMono = Math.max(run.lastArrivalMono, clock.now());
      if (!run.sending && run.answered + run.errored >= run.sent) run.wake?.();
    }
    return unmatched;
  };

  // Replies are parsed in place and their source compared as address bytes: no allocation.
  const fields: EchoReplyFields = { identifier: 0, sequence: 0, payloadOffset: 0, hopLimit: -1 };
  const sameSource = (p: PacketView, addr: Uint8Array) => {
    if (p.nameFamily !== socket.family) return false;
    for (let i = 0; i < addr.length; i++) if (p.name[p.nameOffset + i] !== addr[i]) return false;
    return true;
  };
  const visit = (p: PacketView) => {
    const why = parseEchoReply(p.data, p.offset, p.length, socket.family, withIpHeader, fields);
    if (why !== undefined) {
      onIgnored(why);
      return;
    }
    const key = keyed ? fields.identifier * 65536 + fields.sequence : fields.sequence;
    const entry = pending.get(key);
    if (!entry) {
      onIgnored("foreign");
      return;
    }
    const cookieLength = Math.min(COOKIE_BYTES, entry.cookie.length);
    const payload = fields.payloadOffset;
    let same = sameSource(p, entry.addr) && p.offset + p.length - payload >= cookieLength;
    for (let i = 0; same && i < cookieLength; i++) same = p.data[payload + i] === entry.cookie[i];
    if (!same) {
      onIgnored("mismatch");
      return;
    }
    const run = entry.run;
    if (run.rtts[entry.index] !== undefined || entry.errored) {
      onIgnored("duplicate");
      return;
    }
    const monoSeconds = (clock.now() - entry.sentMono) / 1000;
    let rtt = (p.receivedNs - entry.sentNs) / 1e9;
    if (!(rtt >= 0 && rtt <= monoSeconds + 0.001)) rtt = monoSeconds; // the wall clock stepped
    run.rtts[entry.index] = rtt;
    run.lastArrivalMono = Math.max(run.lastArrivalMono, entry.sentMono + rtt * 1000);
    if (fields.hopLimit >= 0) run.hopLimit = fields.hopLimit;
    else if (p.hopLimit >= 0) run.hopLimit = p.hopLimit;
    run.answered++;
    if (!run.sending && run.answered + run.errored >= run.sent) run.wake?.();
  };

  /** A destination's forms, computed once (a cache: past 65,536 it starts over). */
  const destinations = new Map<string, { source: string; addr: Uint8Array }>();
  const destination = (ip: string) => {
    let d = destinations.get(ip);
    if (!d) {
      if (destinations.size >= 65_536) destinations.clear();
      d = { source: canonicalIp(ip, socket.family), addr: ipBytes(ip, socket.family) };
      destinations.set(ip, d);
    }
    return d;
  };

  /** Reads replies (and, unless `errors` is false, the error queue) and hands them out. */
  const dispatch = (errors = true) => {
    if (errors) dispatchErrors();
    socket.receiveEach(visit, DRAIN_MAX);
  };

  /** Wakes the waiting runs whose deadline passed; returns ms until the next one's (or pollMs). */
  const expire = (now: number): number => {
    let next = pollMs;
    for (const run of waiting) {
      if (run.deadline <= now || run.signal?.aborted) run.wake?.();
      else next = Math.min(next, run.deadline - now);
    }
    return next;
  };

  const poll = async () => {
    if (polling) return;
    polling = true;
    try {
      let waitMs = pollMs;
      while ((pending.size > 0 || waiting.size > 0) && !closed) {
        await clock.sleep(waitMs, stopPoll.signal).catch(() => {});
        if (closed) break;
        dispatch();
        waitMs = expire(clock.now());
      }
    } finally {
      polling = false;
    }
  };

  const reserve = (count: number): { identifier: number; base: number } | undefined => {
    const r = new Uint16Array(2);
    for (let attempt = 0; attempt < 32; attempt++) {
      random(new Uint8Array(r.buffer));
      const identifier = keyed ? idBase | (r[0]! & ~ID_MASK & 0xffff) : r[0]!;
      const base = r[1]!;
      let free = true;
      for (let i = 0; i < count && free; i++) {
        const seq = (base + i) & 0xffff;
        free = !pending.has(keyed ? identifier * 65536 + seq : seq);
      }
      if (free) return { identifier, base };
    }
    return undefined;
  };

  return {
    inFlight: () => pending.size,
    identifierBase: idBase,
    drain: dispatch,
    async run(ip, opts, signal) {
      const started = clock.now();
      const deadline = started + opts.timeoutMs;
      const { source, addr } = destination(ip);
      const run: RunState = {
        rtts: [],
        lastArrivalMono: 0,
        answered: 0,
        errored: 0,
        sent: 0,
        sending: true,
        deadline,
        signal,
      };
      const keys: number[] = [];
      let failure: EchoRunResult["failure"];
      const reserved = reserve(opts.count);
      if (!reserved) {
        return {
          sent: 0,
          rttsSeconds: [],
          failure: { reason: "error", detail: "no free ICMP sequence" },
        };
      }
      const cookie = random(new Uint8Array(Math.min(COOKIE_BYTES, opts.size)));
      socket.ensureCapacity(opts.size);
      // Only a run of several echoes sleeps between them and listens for an abort meanwhile; a
      // run waiting for its last replies is woken by the poll, which checks the signal (one
      // listener and one controller fewer per one-echo run: 4 % of the CPU at 10,000 pings/s).
      const done = opts.count > 1 ? new AbortController() : undefined;
      const onAbort = () => {
        done?.abort();
        run.wake?.();
      };
      if (done) signal?.addEventListener("abort", onAbort, { once: true });
      try {
        for (let i = 0; i < opts.count && !closed && !signal?.aborted; i++) {
          if (i > 0) {
            const at = started + i * opts.intervalMs;
            if (at >= deadline) break;
            await clock.sleep(at - clock.now(), done!.signal).catch(() => {});
            if (signal?.aborted || closed) break;
          }
          const sequence = (reserved.base + i) & 0xffff;
          const key = keyed ? reserved.identifier * 65536 + sequence : sequence;
          if (pending.has(key)) continue; // a foreign run took it meanwhile: skip, not cross
          const packet = buildEchoRequest({
            family: socket.family,
            identifier: reserved.identifier,
            sequence,
            cookie,
            size: opts.size,
          });
          const entry: Pending = {
            source,
            addr,
            cookie,
            sentNs: 0,
            sentMono: clock.now(),
            index: i,
            run,
          };
          pending.set(key, entry);
          keys.push(key);
          let sent = socket.send(ip, packet, opts.ttl);
          if ("errno" in sent && socket.receiveErrors) {
            // With IP_RECVERR an ICMP error about another request also sets the socket's
            // pending error, which the next send returns: read the queue (that clears it,
            // and hands each error to its run), then send once more. A local error about
            // this send (EMSGSIZE past the path MTU) carries the MTU: keep it for the detail.
            let local = dispatchErrors().find((e) => e.errno === (sent as { errno: number }).errno);
            sent = socket.send(ip, packet, opts.ttl);
            if ("errno" in sent) {
              local = dispatchErrors().find((e) => e.errno === (sent as { errno: number }).errno) ??
                local;
            }
            if ("errno" in sent && local) failure ??= icmpErrorOutcome(local);
          }
          if ("errno" in sent) {
            pending.delete(key);
            keys.pop();
            failure ??= {
              reason: errnoReason(sent.errno),
              detail: `sendto failed: errno ${sent.errno}`,
            };
            continue;
          }
          entry.sentNs = sent.sentNs;
          run.firstSentMono ??= entry.sentMono;
          run.sent++;
          // While the poll runs (requests in flight), it reads the replies of every echo sent
          // since its last turn in one drain: one recvmmsg per poll, not one per echo. The RTT
          // is the kernel's receive stamp, so reading later does not change it. Otherwise
          // (the first echo of a quiet spell) loopback replies are already queued: drain now;
          // errors wait for the poll (one syscall fewer per request).
          if (!polling) {
            dispatch(false);
            void poll();
          }
        }
        run.sending = false;
        if (run.answered + run.errored < run.sent && !signal?.aborted) {
          if (deadline > clock.now()) {
            // Woken by the reply that completes it, by the poll at the deadline, or by an abort.
            await new Promise<void>((resolve) => {
              run.wake = resolve;
              waiting.add(run);
              void poll();
            });
            waiting.delete(run);
            run.wake = undefined;
          }
          if (run.answered + run.errored < run.sent) dispatch();
        }
      } finally {
        if (done) signal?.removeEventListener("abort", onAbort);
        for (const key of keys) if (pending.get(key)?.run === run) pending.delete(key);
      }
      const rttsSeconds = run.rtts.filter((r): r is number => r !== undefined);
      // Every reply in: the run ended when the last one reached the host (its kernel stamp), not
      // when a poll got round to reading it; otherwise it ended at the deadline (now).
      const endMono = run.sent > 0 && run.answered + run.errored >= run.sent
        ? run.lastArrivalMono
        : clock.now();
      return {
        sent: run.sent,
        rttsSeconds,
        failure: run.sent === 0 ? failure : run.answered === 0 ? run.error : undefined,
        firstSentMono: run.firstSentMono,
        endMono,
        hopLimit: run.hopLimit,
      };
    },
    close() {
      if (closed) return;
      closed = true;
      stopPoll.abort();
      for (const run of waiting) run.wake?.();
      pending.clear();
      socket.close();
    },
  };
}
