/**
 * @module The connect-only TCP probe (no `tls`, `send`, `expect` nor socket options) through the
 * process's shared poller (socket/tcp_poller.ts): no `Deno.connect`, no Deno resource, no timer
 * nor abort listener per probe. The failure reasons and their details are `Deno.connect`'s
 * (`refused` with `Connection refused (os error 111)`, `timeout` with `probe timed out`, …).
 */
import type { ProbeJob } from "../schedule/job.ts";
import type { Resolved } from "../net/resolver.ts";
import type { ProbeOutcome } from "./types.ts";
import type { AddressFields } from "./address_fields.ts";
import { errnoReason, failureReason } from "./failure_reason.ts";
import { encodeSockaddr } from "./icmp/sockaddr.ts";
import { ABORTED, type TcpPoller, TIMED_OUT } from "./socket/tcp_poller.ts";

/** Each job's `sockaddr` for its literal address (a job object lives as long as its target). */
const sockaddrs = new WeakMap<ProbeJob<"tcp">, Uint8Array>();

function sockaddrOf(job: ProbeJob<"tcp">, resolved: Resolved, literal: boolean): Uint8Array {
  let sa = literal ? sockaddrs.get(job) : undefined;
  if (!sa) {
    sa = encodeSockaddr(resolved.ip, resolved.family);
    sa[2] = job.port! >> 8;
    sa[3] = job.port! & 0xff;
    if (literal) sockaddrs.set(job, sa);
  }
  return sa;
}

/** What {@linkcode pollerConnect} needs besides the poller. */
export interface FastConnect {
  job: ProbeJob<"tcp">;
  resolved: Resolved;
  /** True when `resolved` is the job's own literal host (its sockaddr is kept). */
  literal: boolean;
  /** `performance.now()` when the attempt started (before any lookup). */
  start: number;
  addr: AddressFields;
  /** Aborts the connect (the agent stopping, or the lookup's deadline). */
  signal: AbortSignal;
}

/** Connects through `poller` within what is left of the job's timeout. */
export async function pollerConnect(poller: TcpPoller, c: FastConnect): Promise<ProbeOutcome> {
  let sa: Uint8Array;
  try {
    sa = sockaddrOf(c.job, c.resolved, c.literal);
  } catch (e) {
    return { success: false, durationSeconds: 0, reason: "error", detail: (e as Error).message };
  }
  const left = c.job.timeoutMs - (performance.now() - c.start);
  const r = await poller.connect(sa, Math.max(0, left), c.signal);
  const durationSeconds = (r.endMs - c.start) / 1000;
  if (r.errno === 0) return { success: true, durationSeconds, ...c.addr };
  if (r.errno === TIMED_OUT) {
    return {
      success: false,
      durationSeconds,
      reason: "timeout",
      detail: "probe timed out",
      ...c.addr,
    };
  }
  if (r.errno === ABORTED) {
    const why = c.signal.reason;
    return {
      success: false,
      durationSeconds,
      reason: failureReason(why),
      detail: String((why as Error)?.message ?? why ?? "aborted"),
      ...c.addr,
    };
  }
  return {
    success: false,
    durationSeconds,
    reason: errnoReason(r.errno),
    detail: `${poller.errorText(r.errno)} (os error ${r.errno})`,
    ...c.addr,
  };
}
