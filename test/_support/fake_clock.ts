/** @module A controllable clock: time moves only when the test advances it. */
import type { Clock } from "../../src/base/clock.ts";

interface Sleeper {
  at: number;
  resolve: () => void;
}

/** A Clock whose `advance(ms)` runs every timer due in order, yielding to the event loop between. */
export class FakeClock implements Clock {
  #now = 0;
  #wallBase = 1_700_000_000_000;
  #sleepers: Sleeper[] = [];

  now(): number {
    return this.#now;
  }

  wallNow(): number {
    return this.#wallBase + this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const sleeper: Sleeper = { at: this.#now + Math.max(0, ms), resolve };
      this.#sleepers.push(sleeper);
      signal?.addEventListener("abort", () => {
        this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
        reject(signal.reason);
      }, { once: true });
    });
  }

  /** Sleeps not yet woken nor aborted. */
  get sleeping(): number {
    return this.#sleepers.length;
  }

  /** Moves time forward by `ms`, waking sleepers at their due times. */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    for (;;) {
      await flush();
      this.#sleepers.sort((a, b) => a.at - b.at);
      const next = this.#sleepers[0];
      if (!next || next.at > end) break;
      this.#sleepers.shift();
      this.#now = Math.max(this.#now, next.at);
      next.resolve();
    }
    this.#now = end;
    await flush();
    await new Promise((r) => setTimeout(r, 0));
  }

  /** Moves time forward without waking anyone: a stalled event loop. */
  jump(ms: number): void {
    this.#now += ms;
  }
}

/** Lets pending promise callbacks run (microtasks only: cheap enough for thousands of timers). */
export async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}
