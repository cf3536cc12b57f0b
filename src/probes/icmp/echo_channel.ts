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
  newRun,
  noSequence,
  type Pending,
  runResult,
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

  type Failure = EchoRunResult["failure"];

  /** Sends echo `i` of a run whose keys start at `reserved`; the failure of a send that failed. */
  const sendEcho = (
    run: RunState,
    ip: string,
    dest: Destination,
    opts: EchoRunOptions,
    reserved: number,
    i: number,
  ): Failure => {
    const identifier = Math.floor(reserved / 65536);
    const sequence = (reserved + i) & 0xffff;
    const key = keyed ? identifier * 65536 + sequence : sequence;
    if (pending.has(key)) return undefined; // a foreign run took it meanwhile: skip, not cross
    const packet = buildFor(run, identifier, sequence, opts.size);
    const entry: Pending = { dest, sentNs: 0, sentMono: clock.now(), index: i, run };
    pending.set(key, entry);
    let sent = socket.send(ip, packet, opts.ttl);
    let failure: Failure;
    if ("errno" in sent && socket.receiveErrors) {
      // With IP_RECVERR an ICMP error about another request also sets the socket's pending
      // error, which the next send returns: read the queue (that clears it, and hands each
      // error to its run), then send once more. A local error about this send (EMSGSIZE past
      // the path MTU) carries the MTU: keep it for the detail.
      let local = dispatchErrors().find((e) => e.errno === (sent as { errno: number }).errno);
      sent = socket.send(ip, packet, opts.ttl);
      if ("errno" in sent) {
        local = dispatchErrors().find((e) => e.errno === (sent as { errno: number }).errno) ??
          local;
      }
      if ("errno" in sent && local) failure = icmpErrorOutcome(local);
    }
    if ("errno" in sent) {
      pending.delete(key);
      return failure ?? {
        reason: errnoReason(sent.errno),
        detail: `sendto failed: errno ${sent.errno}`,
      };
    }
    entry.sentNs = sent.sentNs;
    run.firstSentMono ??= entry.sentMono;
    run.sent++;
    // While the poll runs (requests in flight), it reads the replies of every echo sent since
    // its last turn in one drain: one recvmmsg per poll, not one per echo. The RTT is the
    // kernel's receive stamp, so reading later does not change it. Otherwise (the first echo of
    // a quiet spell) loopback replies are already queued: drain now; errors wait for the poll
    // (one syscall fewer per request).
    if (!polling) {
      dispatch(false);
      void poll();
    }
    return undefined;
  };

  /** Forgets a run's requests still in the table. */
  const forget = (run: RunState, reserved: number, count: number) => {
    const identifier = Math.floor(reserved / 65536);
    for (let i = 0; i < count; i++) {
      const sequence = (reserved + i) & 0xffff;
      const key = keyed ? identifier * 65536 + sequence : sequence;
      if (pending.get(key)?.run === run) pending.delete(key);
    }
  };
  const finish = (run: RunState, reserved: number, count: number, failure: Failure) => {
    forget(run, reserved, count);
    return runResult(run, count, failure, clock.now());
  };

  /** Draws a run's keys and cookie; -1 when no keys are free. */
  const prepare = (run: RunState, opts: EchoRunOptions): number => {
    const reserved = reserver.reserve(opts.count);
    if (reserved < 0) return reserved;
    const cookieLength = Math.min(COOKIE_BYTES, opts.size);
    setCookie(run, random(cookieViews[cookieLength]!), cookieLength);
    socket.ensureCapacity(opts.size);
    return reserved;
  };

  /**
   * A one-echo run (the common case) without an async function: its frame and the promise it
   * awaits were ~1.5 KB per run. The run's one promise is settled by whoever wakes it: the reply
   * that completes it (inside a drain), the poll at the deadline or on an abort, or close().
   */
  const runOne = (ip: string, opts: EchoRunOptions, signal?: AbortSignal) => {
    const run = newRun(1, clock.now() + opts.timeoutMs, signal);
    const dest = destination(ip);
    const reserved = prepare(run, opts);
    if (reserved < 0) return Promise.resolve(noSequence());
    const failure = closed || signal?.aborted
      ? undefined
      : sendEcho(run, ip, dest, opts, reserved, 0);
    run.sending = false;
    if (settled(run) || signal?.aborted) return Promise.resolve(finish(run, reserved, 1, failure));
    if (!(run.deadline > clock.now())) {
      dispatch();
      return Promise.resolve(finish(run, reserved, 1, failure));
    }
    return new Promise<EchoRunResult>((resolve) => {
      run.wake = () => {
        waiting.delete(run);
        run.wake = undefined;
        if (run.answered + run.errored < run.sent) dispatch();
        resolve(finish(run, reserved, 1, failure));
      };
      waiting.add(run);
      void poll();
    });
  };

  /** A run of several echoes, `intervalMs` apart. */
  const runMany = async (ip: string, opts: EchoRunOptions, signal?: AbortSignal) => {
    const started = clock.now();
    const deadline = started + opts.timeoutMs;
    const dest = destination(ip);
    const run = newRun(opts.count, deadline, signal);
    let failure: Failure;
    const reserved = prepare(run, opts);
    if (reserved < 0) return noSequence();
    // It sleeps between echoes and listens for an abort meanwhile; waiting for its last replies
    // it is woken by the poll, which checks the signal.
    const done = new AbortController();
    const onAbort = () => {
      done.abort();
      run.wake?.();
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      for (let i = 0; i < opts.count && !closed && !signal?.aborted; i++) {
        if (i > 0) {
          const at = started + i * opts.intervalMs;
          if (at >= deadline) break;
          await clock.sleep(at - clock.now(), done.signal).catch(() => {});
          if (signal?.aborted || closed) break;
        }
        failure ??= sendEcho(run, ip, dest, opts, reserved, i);
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
      signal?.removeEventListener("abort", onAbort);
      forget(run, reserved, opts.count);
    }
    return finish(run, reserved, opts.count, failure);
  };

  return {
    inFlight: () => pending.size,
    identifierBase: idBase,
    drain: dispatch,
    run(ip, opts, signal) {
      if (opts.count !== 1) return runMany(ip, opts, signal);
      try {
        return runOne(ip, opts, signal);
      } catch (e) {
        return Promise.reject(e);
      }
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
