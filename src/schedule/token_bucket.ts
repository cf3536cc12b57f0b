/** @module A token bucket with reservations (pure: time is passed in). */

/** A rate limiter that hands out waits instead of refusals. */
export interface TokenBucket {
  /** Takes one token; returns how many ms the caller must wait for it (0 = now). */
  reserve(now: number): number;
  /** Gives back a reservation that will not be used. */
  cancel(now: number): void;
  /** Tokens available at `now` (negative while reservations are outstanding). */
  tokens(now: number): number;
  /** True when the bucket holds its whole burst at `now`: a new bucket would behave the same. */
  full(now: number): boolean;
}

/**
 * Creates a bucket refilling `rate` tokens/s up to `burst`.
 * Worked numbers: rate 20/s, burst 20, 25 reservations at t=0 → the first 20 wait 0 ms, the
 * 21st waits 50 ms, the 25th waits 250 ms.
 *
 * @example
 * ```ts
 * import { createTokenBucket } from "./token_bucket.ts";
 * const b = createTokenBucket(10, 1);
 * if (b.reserve(0) !== 0 || b.reserve(0) !== 100) throw new Error();
 * ```
 */
export function createTokenBucket(rate: number, burst = Math.max(1, rate)): TokenBucket {
  let tokens = burst;
  let last = 0;
  const refill = (now: number) => {
    if (now > last) {
      tokens = Math.min(burst, tokens + ((now - last) * rate) / 1000);
      last = now;
    }
  };
  return {
    reserve(now) {
      refill(now);
      tokens -= 1;
      // A tiny epsilon absorbs float error from many small refills.
      return tokens >= -1e-9 ? 0 : (-tokens * 1000) / rate;
    },
    cancel(now) {
      refill(now);
      tokens = Math.min(burst, tokens + 1);
    },
    tokens(now) {
      refill(now);
      return tokens;
    },
    full(now) {
      refill(now);
      return tokens >= burst - 1e-9;
    },
  };
}
