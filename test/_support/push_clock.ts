/** @module A clock for pusher tests: real time divided by a factor, recording every sleep. */
import { type Clock, systemClock } from "../../src/base/clock.ts";

/** A scaled clock and the sleeps asked of it (in clock ms, before scaling). */
export interface RecordingClock extends Clock {
  readonly sleeps: number[];
}

/**
 * `sleep(ms)` takes `ms / factor` real milliseconds (so a 30 s backoff takes 30 ms with factor
 * 1000); `now`/`wallNow` are the real clocks. Every requested duration is recorded.
 */
export function scaledClock(factor: number): RecordingClock {
  const sleeps: number[] = [];
  return {
    sleeps,
    now: systemClock.now,
    wallNow: systemClock.wallNow,
    sleep(ms, signal) {
      sleeps.push(ms);
      return systemClock.sleep(ms / factor, signal);
    },
  };
}
