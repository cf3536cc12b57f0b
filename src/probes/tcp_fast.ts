/**
 * @module The connect-only TCP probe (no `tls`, `send`, `expect` nor socket options) through the
 * process's shared poller (socket/tcp_poller.ts): no `Deno.connect`, no Deno resource, no timer
 * nor abort listener per probe. The failure reasons and their details are `Deno.connect`'s
 * (`refused` with `Connection refused (os error 111)`, `timeout` with `probe timed out`, …).
 */
import type { ProbeJob } from "../schedule/job.ts";
import { literalAddress, type Resolved } from "../net/resolver.ts";
import type { FailureReason, ProbeOutcome } from "./types.ts";
import { type AddressFields, addressFields } from "./address_fields.ts";
import { errnoReason, failureReason } from "./failure_reason.ts";
import { encodeSockaddr } from "./icmp/sockaddr.ts";
import { ABORTED, type ConnectResult, type TcpPoller, TIMED_OUT } from "./socket/tcp_poller.ts";

/** Where one job connects: its `sockaddr` and the outcome's address fields. */
export interface Place {
  sa: Uint8Array;
  addr: AddressFields;
}

/**
 * Each job's place when its host is an IP literal, `null` when it is a name (or its address is
 * bad), built at its first probe: a job object lives as long as its target.
 */
const places = new WeakMap<ProbeJob<"tcp">, Place | null>();

/** Throws `Deno.connect`'s error for a port outside 1-65535 (the bytes would wrap). */
function placeFor(job: ProbeJob<"tcp">, resolved: Resolved, addr: AddressFields): Place {
  const port = job.port!;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(`Invalid port (out of range): ${port}`);
  }
  const sa = encodeSockaddr(resolved.ip, resolved.family);
  sa[2] = port >> 8;
  sa[3] = port & 0xff;
  return { sa, addr };
}

/** The job's kept place if its host is an IP literal (`job.port` set), else null. */
export function literalPlace(job: ProbeJob<"tcp">): Place | null {
  let place = places.get(job);
  if (place === undefined) {
    const resolved = literalAddress(job.host);
    try {
      place = resolved ? placeFor(job, resolved, addressFields(resolved, 0)) : null;
    } catch {
      place = null; // the slow path reports it
    }
    places.set(job, place);
  }
  return place;
}

/** Connects to a looked-up address within what is left of the job's timeout. */
export async function resolvedConnect(
  poller: TcpPoller,
  job: ProbeJob<"tcp">,
  resolved: Resolved,
  addr: AddressFields,
  start: number,
  signal: AbortSignal,
): Promise<ProbeOutcome> {
  let place: Place;
  try {
    place = placeFor(job, resolved, addr);
  } catch (e) {
    const detail = (e as Error).message;
    return outcome(false, (performance.now() - start) / 1000, "error", detail, addr);
  }
  return await placeConnect(poller, job, place, start, signal);
}

/**
 * Connects to `place` through `poller` within what is left of the job's timeout, started at
 * `start`; `signal` is the agent's stop (long-lived: the poller keeps one listener for it).
 */
export function placeConnect(
  poller: TcpPoller,
  job: ProbeJob<"tcp">,
  place: Place,
  start: number,
  signal: AbortSignal,
): Promise<ProbeOutcome> {
  const left = job.timeoutMs - (performance.now() - start);
  return poller.connect(place.sa, Math.max(0, left), signal).then((r) =>
    outcomeOf(poller, r, place.addr, start, signal)
  );
}

function outcomeOf(
  poller: TcpPoller,
  r: ConnectResult,
  a: AddressFields,
  start: number,
  signal: AbortSignal,
): ProbeOutcome {
  const durationSeconds = (r.endMs - start) / 1000;
  if (r.errno === 0) return outcome(true, durationSeconds, undefined, undefined, a);
  if (r.errno === TIMED_OUT) {
    return outcome(false, durationSeconds, "timeout", "probe timed out", a);
  }
  if (r.errno === ABORTED) {
    const why = signal.reason;
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
