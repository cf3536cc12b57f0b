/** @module Test helpers for WAL tests: sample bodies with a sequence number, a manual clock. */
import { encodeWriteRequest } from "./remote_write.ts";
import type { Clock } from "../../src/base/clock.ts";

/** A one-sample `WriteRequest` whose value is `seq` (so order and loss are checkable). */
export function seqBody(seq: number, target = "10.0.0.1:22"): Uint8Array {
  return encodeWriteRequest([{
    labels: [["__name__", "probe_success"], ["probe", "ssh"], ["type", "tcp"], ["target", target]],
    value: seq,
    timestampMs: 1_700_000_000_000 + seq,
  }]);
}

/** A clock whose sleeps only end when the test calls `fire()`. */
export interface ManualClock extends Clock {
  /** Ends every pending sleep; returns how many there were. */
  fire(): number;
  /** Durations of the sleeps pending now. */
  pending(): number[];
}

/** Creates a {@linkcode ManualClock}. */
export function manualClock(): ManualClock {
  const sleeps: Array<{ ms: number; resolve: () => void }> = [];
  return {
    now: () => 0,
    wallNow: () => 0,
    sleep(ms, signal) {
      return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const entry = { ms, resolve };
        sleeps.push(entry);
        signal?.addEventListener("abort", () => {
          sleeps.splice(sleeps.indexOf(entry), 1);
          reject(signal.reason);
        }, { once: true });
      });
    },
    fire() {
      const all = sleeps.splice(0);
      for (const s of all) s.resolve();
      return all.length;
    },
    pending: () => sleeps.map((s) => s.ms),
  };
}
