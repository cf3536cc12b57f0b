/**
 * @module One shared ICMP socket of one family and the echo requests in flight on it. Each run
 * reserves fresh (identifier, sequence) keys (echo_keys.ts) and a random payload cookie; a reply
 * counts only if its key, source address and cookie all match (echo_dispatch.ts), so concurrent
 * runs, a second agent on the host or a restart never cross. Requests are built in one scratch
 * buffer per channel (`sendto` copies it), and each destination's address forms are made once.
 */
import type { Clock } from "../../base/clock.ts";
import { systemClock } from "../../base/clock.ts";
import { errnoReason } from "../failure_reason.ts";
import {
  buildEchoRequest,
  COOKIE_BYTES,
  type EchoRequest,
  type IgnoreReason,
} from "./echo_packet.ts";
import { ID_MASK } from "./echo_filter.ts";
import type { IcmpSocket } from "./ffi_socket.ts";
import { ipBytes, ipText } from "./sockaddr.ts";
import { AddressChunks } from "./address_chunks.ts";
import { icmpErrorOutcome } from "../socket/icmp_error.ts";
import type { EchoRunOptions, EchoRunResult } from "./types.ts";
import {
  cookieByte,
  type Destination,
  type Pending,
  type RunState,
  setCookie,
  settled,
} from "./echo_run_state.ts";
import { createEchoDispatch } from "./echo_dispatch.ts";
import { createKeyReserver } from "./echo_keys.ts";

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

/** Wraps an open ICMP socket into a channel that runs echo sequences on it. */
export function createEchoChannel(
  socket: IcmpSocket,
  options: EchoChannelOptions = {},
): EchoChannel {
  const clock = options.clock ?? systemClock;
  const pollMs = options.pollMs ?? 2;
  const random = options.random ?? ((b: Uint8Array) => crypto.getRandomValues(b));
  const onIgnored = options.onIgnored ?? (() => {});
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
  const receiver = createEchoDispatch({ socket, pending, keyed, clock, onIgnored });
  const dispatchErrors = receiver.errors;
  const dispatch = receiver.drain;
  const reserver = createKeyReserver(pending, { keyed, idBase, random });

  /**
   * A destination's forms, computed once (a cache: past 65,536 it starts over): one small object
   * each, its address bytes in chunks shared by 256 destinations, its text the target's own
   * string when that is already canonical (IPv4 literals are).
   */
  const destinations = new Map<string, Destination>();
  const chunks = new AddressChunks(socket.family === 4 ? 4 : 16);
  const destination = (ip: string): Destination => {
    let d = destinations.get(ip);
    if (!d) {
      if (destinations.size >= 65_536) destinations.clear();
      const addr = ipBytes(ip, socket.family);
      const text = ipText(addr);
      const { bytes, at } = chunks.reserve();
      bytes.set(addr, at);
      d = { source: text === ip ? ip : text, bytes, at };
      destinations.set(ip, d);
    }
    return d;
  };

  // One request is built at a time and `sendto` copies it: one scratch packet (per size) and one
  // cookie buffer, viewed at each cookie length, serve every run.
  const cookieBytes = new Uint8Array(COOKIE_BYTES);
  const cookieViews = Array.from(
    { length: COOKIE_BYTES + 1 },
    (_, n) => cookieBytes.subarray(0, n),
  );
  let scratch = new Uint8Array(8 + 56);
  const request: EchoRequest = {
    family: socket.family,
    identifier: 0,
    sequence: 0,
    cookie: cookieViews[0]!,
    size: 0,
  };
  const buildFor = (run: RunState, identifier: number, sequence: number, size: number) => {
    if (scratch.length !== 8 + size) scratch = new Uint8Array(8 + size);
    const cookie = cookieViews[run.cookieLength]!;
    for (let i = 0; i < cookie.length; i++) cookie[i] = cookieByte(run, i);
    request.identifier = identifier;
    request.sequence = sequence;
    request.cookie = cookie;
    request.size = size;
    return buildEchoRequest(request, scratch);
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

  return {
    inFlight: () => pending.size,
    identifierBase: idBase,
    drain: dispatch,
    async run(ip, opts, signal) {
      const started = clock.now();
      const deadline = started + opts.timeoutMs;
      const dest = destination(ip);
      // Per run: one state, one entry per echo, and the RTT list sized once (it is the result's
      // list when every echo sent has its reply); no list of keys (they follow from `reserved`).
      const run: RunState = {
        rtts: new Array(opts.count),
        lastArrivalMono: 0,
        answered: 0,
        errored: 0,
        sent: 0,
        sending: true,
        deadline,
        signal,
        cookieHigh: 0,
        cookieLow: 0,
        cookieLength: 0,
      };
      let failure: EchoRunResult["failure"];
      const reserved = reserver.reserve(opts.count);
      if (reserved < 0) {
        return {
          sent: 0,
          rttsSeconds: [],
          failure: { reason: "error", detail: "no free ICMP sequence" },
        };
      }
      const identifier = Math.floor(reserved / 65536);
      const cookieLength = Math.min(COOKIE_BYTES, opts.size);
      setCookie(run, random(cookieViews[cookieLength]!), cookieLength);
      socket.ensureCapacity(opts.size);
      // Only a run of several echoes sleeps between them and listens for an abort meanwhile; a
      // run waiting for its last replies is woken by the poll, which checks the signal (one
      // listener and one controller fewer per one-echo run: 4 % of the CPU at 10,000 pings/s).
      const done = opts.count > 1 ? new AbortController() : undefined;
      const onAbort = done
        ? () => {
          done.abort();
          run.wake?.();
        }
        : undefined;
      if (onAbort) signal?.addEventListener("abort", onAbort, { once: true });
      try {
        for (let i = 0; i < opts.count && !closed && !signal?.aborted; i++) {
          if (i > 0) {
            const at = started + i * opts.intervalMs;
            if (at >= deadline) break;
            await clock.sleep(at - clock.now(), done!.signal).catch(() => {});
            if (signal?.aborted || closed) break;
          }
          const sequence = (reserved + i) & 0xffff;
          const key = keyed ? identifier * 65536 + sequence : sequence;
          if (pending.has(key)) continue; // a foreign run took it meanwhile: skip, not cross
          const packet = buildFor(run, identifier, sequence, opts.size);
          const entry: Pending = {
            dest,
            sentNs: 0,
            sentMono: clock.now(),
            index: i,
            run,
          };
          pending.set(key, entry);
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
        if (!settled(run) && !signal?.aborted) {
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
        if (onAbort) signal?.removeEventListener("abort", onAbort);
        for (let i = 0; i < opts.count; i++) {
          const sequence = (reserved + i) & 0xffff;
          const key = keyed ? identifier * 65536 + sequence : sequence;
          if (pending.get(key)?.run === run) pending.delete(key);
        }
      }
      // Every echo answered: the list as it is (one echo per run is the common case).
      const rttsSeconds = run.answered === opts.count
        ? run.rtts as number[]
        : run.rtts.filter((r): r is number => r !== undefined);
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
