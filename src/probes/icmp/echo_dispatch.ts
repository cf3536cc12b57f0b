/**
 * @module The receive side of an echo channel: drains the socket's replies and its queued ICMP
 * errors and hands each to the request it answers. A reply counts only if its key, source
 * address and cookie all match. Replies are parsed in place and compared as bytes: nothing is
 * allocated per packet. RTT = kernel receive stamp − realtime stamp right before `sendto`,
 * checked against the monotonic clock (a clock step cannot produce a negative or huge RTT).
 */
import type { Clock } from "../../base/clock.ts";
import { type EchoReplyFields, type IgnoreReason, parseEchoReply } from "./echo_packet.ts";
import type { IcmpSocket, PacketView } from "./ffi_socket.ts";
import { icmpErrorOutcome, type SocketError } from "../socket/icmp_error.ts";
import { matchEchoError } from "./echo_error.ts";
import { cookieMatches, type Destination, type Pending, settled } from "./echo_run_state.ts";
import { sameBytes } from "./address_chunks.ts";

/**
 * Most packets one drain reads (64 `recvmmsg` batches). A raw socket sees every echo reply on
 * the host: behind another process's flood ping (~50,000 replies/s) a drain of one batch every
 * poll fell behind, and our replies waited in the queue past their timeout. 4,096 per 2 ms poll
 * keeps up with 2 M packets/s; a drain costs ~1 µs per packet.
 */
export const DRAIN_MAX = 4096;

/** What the receive side reads from and writes to. */
export interface EchoDispatchDeps {
  socket: IcmpSocket;
  /** Requests in flight by key (`identifier << 16 | sequence` when `keyed`, else the sequence). */
  pending: ReadonlyMap<number, Pending>;
  keyed: boolean;
  clock: Clock;
  onIgnored: (reason: IgnoreReason) => void;
}

/** Reads and dispatches; see the module doc. */
export interface EchoDispatch {
  /** Hands every queued ICMP error to its run; returns the local ones no run took. */
  errors(): SocketError[];
  /** Reads replies (and, unless `errors` is false, the error queue) and hands them out. */
  drain(errors?: boolean): void;
}

/** Creates the receive side of one channel. */
export function createEchoDispatch(deps: EchoDispatchDeps): EchoDispatch {
  const { socket, pending, keyed, clock, onIgnored } = deps;
  const family = socket.family;
  const withIpHeader = socket.kind === "raw" && family === 4;

  const errors = (): SocketError[] => {
    const unmatched: SocketError[] = [];
    for (const e of socket.receiveErrors?.() ?? []) {
      const key = matchEchoError(e, family, keyed);
      const entry = key === undefined ? undefined : pending.get(key);
      if (!entry || (e.destination !== undefined && e.destination !== entry.dest.source)) {
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
      if (settled(run)) run.wake?.();
    }
    return unmatched;
  };

  const fields: EchoReplyFields = { identifier: 0, sequence: 0, payloadOffset: 0, hopLimit: -1 };
  const width = family === 4 ? 4 : 16;
  const sameSource = (p: PacketView, d: Destination) =>
    p.nameFamily === family && sameBytes(p.name, p.nameOffset, d.bytes, d.at, width);
  const visit = (p: PacketView) => {
    const why = parseEchoReply(p.data, p.offset, p.length, family, withIpHeader, fields);
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
    const run = entry.run;
    const payload = fields.payloadOffset;
    if (
      !sameSource(p, entry.dest) ||
      !cookieMatches(run, p.data, payload, p.offset + p.length - payload)
    ) {
      onIgnored("mismatch");
      return;
    }
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
    if (settled(run)) run.wake?.();
  };

  return {
    errors,
    drain(withErrors = true) {
      if (withErrors) errors();
      socket.receiveEach(visit, DRAIN_MAX);
    },
  };
}
