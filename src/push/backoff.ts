/** @module Retry delays for the pusher: exponential backoff with jitter, honouring `Retry-After`. */

/** Options of {@linkcode backoffDelay}. */
export interface BackoffOptions {
  /** Delay of the first retry before jitter, ms. */
  minMs: number;
  /** No backoff delay exceeds this, ms (`push.max_backoff`); a `Retry-After` may. */
  maxMs: number;
  /** A number in [0, 1); `Math.random` by default. */
  random?: () => number;
}

/**
 * The delay before retry number `attempt` (0 for the first retry): `minMs · 2^attempt`, capped at
 * `maxMs`, then "equal jitter": a uniform pick in [half, full] of that, so that a fleet of agents
 * does not retry in lockstep yet the delay still grows.
 *
 * Worked numbers with the defaults (Prometheus' own) minMs 30, maxMs 5 s: attempts 0, 1, 2, … 8
 * → bases 30, 60, 120, … 7 680 → 5 000 (capped); the delay for attempt 2 lies in [60, 120] ms, and
 * a receiver that comes back is retried within 5 s.
 *
 * @example
 * ```ts
 * import { backoffDelay } from "./backoff.ts";
 * const d = backoffDelay(2, { minMs: 250, maxMs: 30_000, random: () => 0 });
 * if (d !== 500) throw new Error(String(d));
 * ```
 */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const { minMs, maxMs } = options;
  const random = options.random ?? Math.random;
  // 2^attempt overflows to Infinity past ~1024; min() keeps it finite.
  const base = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 60));
  return Math.min(maxMs, base / 2 + random() * (base / 2));
}

/**
 * Parses a `Retry-After` header: delay-seconds (`"120"`) or an HTTP-date, relative to `nowWallMs`.
 * Returns milliseconds (0 for a date in the past) or `undefined` when absent or malformed.
 *
 * @example
 * ```ts
 * import { parseRetryAfter } from "./backoff.ts";
 * if (parseRetryAfter("3", 0) !== 3000) throw new Error();
 * if (parseRetryAfter("Thu, 01 Jan 1970 00:00:10 GMT", 4000) !== 6000) throw new Error();
 * if (parseRetryAfter("soon", 0) !== undefined) throw new Error();
 * ```
 */
export function parseRetryAfter(header: string | null, nowWallMs: number): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // HTTP-date (IMF-fixdate and the obsolete forms Date.parse accepts); must name a weekday or GMT.
  if (!/GMT|UTC|\d{4}/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowWallMs);
}

/** The longest `Retry-After` obeyed when `maxMs` is shorter: 5 minutes. */
export const RETRY_AFTER_CAP_MS = 300_000;

/**
 * The delay before the next retry: the server's `Retry-After` when given — obeyed even past
 * `maxMs` (a rate-limiting receiver asking for 30 s gets 30 s), but never more than the larger of
 * `maxMs` and {@linkcode RETRY_AFTER_CAP_MS}, so a hostile or mistaken header cannot stall the
 * pusher for days — else {@linkcode backoffDelay}.
 *
 * @example
 * ```ts
 * import { retryDelay } from "./backoff.ts";
 * const o = { minMs: 30, maxMs: 5_000, random: () => 0 };
 * if (retryDelay(0, 30_000, o) !== 30_000 || retryDelay(0, 9e9, o) !== 300_000) throw new Error();
 * ```
 */
export function retryDelay(
  attempt: number,
  retryAfterMs: number | undefined,
  options: BackoffOptions,
): number {
  if (retryAfterMs !== undefined) {
    return Math.min(Math.max(options.maxMs, RETRY_AFTER_CAP_MS), Math.max(0, retryAfterMs));
  }
  return backoffDelay(attempt, options);
}
