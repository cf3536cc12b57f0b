/** @module A clock that only moves when the test says so, for target manager and reloader tests. */
import type { Clock } from "../../src/base/clock.ts";

/** A manual clock: `advance(ms)` wakes every sleeper whose time has come. */
export interface ManualClock extends Clock {
  advance(ms: number): Promise<void>;
  /** Sleepers waiting now. */
  readonly waiting: number;
}

/** Starts at monotonic 0 and wall `wallStart`. */
export function manualClock(wallStart = 1_700_000_000_000): ManualClock {
  let now = 0;
  let sleepers: { at: number; resolve: () => void }[] = [];
  const flush = async () => {
    for (let i = 0; i < 20; i++) await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
  };
  return {
    now: () => now,
    wallNow: () => wallStart + now,
    get waiting() {
      return sleepers.length;
    },
    sleep(ms, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const entry = {
          at: now + ms,
          resolve: () => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
          },
        };
        const onAbort = () => {
          sleepers = sleepers.filter((s) => s !== entry);
          reject(signal?.reason);
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        sleepers.push(entry);
      });
    },
    async advance(ms) {
      now += ms;
      const due = sleepers.filter((s) => s.at <= now);
      sleepers = sleepers.filter((s) => s.at > now);
      for (const s of due) s.resolve();
      await flush();
    },
  };
}
