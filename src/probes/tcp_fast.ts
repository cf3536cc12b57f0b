/**
 * @module The connect-only TCP probe (no `tls`, `send`, `expect` nor socket options) through the
 * process's shared poller (socket/tcp_poller.ts): no `Deno.connect`, no Deno resource, no timer
 * nor abort listener per probe. The failure reasons and their details are `Deno.connect`'s
 * (`refused` with `Connection refused (os error 111)`, `timeout` with `probe timed out`, …).
 */
import type { ProbeJob } from "../schedule/job.ts";
import type { Resolved } from "../net/resolver.ts";
import type { FailureReason, ProbeOutcome } from "./types.ts";
import { type AddressFields, addressFields } from "./address_fields.ts";
import { errnoReason, failureReason } from "./failure_reason.ts";
import { encodeSockaddr } from "./icmp/sockaddr.ts";
import { ABORTED, type TcpPoller, TIMED_OUT } from "./socket/tcp_poller.ts";

/** Where one job connects: its `sockaddr` and the outcome's address fields. */
interface Place {
  sa: Uint8Array;
  addr: AddressFields;
}

/** Each literal job's place, built once (a job object lives as long as its target). */
const places = new WeakMap<ProbeJob<"tcp">, Place>();

function placeOf(c: FastConnect): Place {
  let place = c.literal ? places.get(c.job) : undefined;
  if (!place) {
    const sa = encodeSockaddr(c.resolved.ip, c.resolved.family);
    sa[2] = c.job.port! >> 8;
    sa[3] = c.job.port! & 0xff;
    place = { sa, addr: c.addr ?? addressFields(c.resolved, 0) };
    if (c.literal) places.set(c.job, place);
  }
  return place;
}

/** What {@linkcode pollerConnect} needs besides the poller. */
export interface FastConnect {
  job: ProbeJob<"tcp">;
  resolved: Resolved;
  /** True when `resolved` is the job's own literal host (its sockaddr is kept). */
  literal: boolean;
  /** `performance.now()` when the attempt started (before any lookup). */
  start: number;
  /** The address fields after a lookup; a literal's are built once per job. */
  addr?: AddressFields;
  /** Aborts the connect (the agent stopping, or the lookup's deadline). */
  signal: AbortSignal;
}

/** Connects through `poller` within what is left of the job's timeout. */
export async function pollerConnect(poller: TcpPoller, c: FastConnect): Promise<ProbeOutcome> {
  let place: Place;
  try {
    place = placeOf(c);
  } catch (e) {
    return { success: false, durationSeconds: 0, reason: "error", detail: (e as Error).message };
  }
  const left = c.job.timeoutMs - (performance.now() - c.start);
  const r = await poller.connect(place.sa, Math.max(0, left), c.signal);
  const durationSeconds = (r.endMs - c.start) / 1000;
  const a = place.addr;
  if (r.errno === 0) return outcome(true, durationSeconds, undefined, undefined, a);
  if (r.errno === TIMED_OUT) {
    return outcome(false, durationSeconds, "timeout", "probe timed out", a);
  }
  if (r.errno === ABORTED) {
    const why = c.signal.reason;
    const detail = String((why as Error)?.message ?? why ?? "aborted");
    return outcome(false, durationSeconds, failureReason(why), detail, a);
  }
  let detail = details.get(r.errno);
  if (detail === undefined) {
    details.set(r.errno, detail = `${poller.errorText(r.errno)} (os error ${r.errno})`);
  }
  return outcome(false, durationSeconds, errnoReason(r.errno), detail, a);
}

/** `Deno.connect`'s message for each errno seen (a closed port's probe builds no string). */
const details = new Map<number, string>();

/** One outcome, every field named in one order (one object shape, no spread). */
function outcome(
  success: boolean,
  durationSeconds: number,
  reason: FailureReason | undefined,
  detail: string | undefined,
  a: AddressFields,
): ProbeOutcome {
  const o: ProbeOutcome = {
    success,
    durationSeconds,
    ipProtocol: a.ipProtocol,
    ipAddress: a.ipAddress,
    ipAddrHash: a.ipAddrHash,
    dnsLookupSeconds: a.dnsLookupSeconds,
  };
  if (reason !== undefined) {
    o.reason = reason;
    o.detail = detail;
  }
  return o;
}
