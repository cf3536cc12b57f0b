/**
 * @module A pusher's health: consecutive failures (logged at 1, 2, 4, 8, …), the last success and
 * the last error, mirrored into the push metrics, and the turn to unhealthy or healthy told once.
 */
import { logger } from "../log.ts";
import type { Clock } from "../base/clock.ts";
import type { PushMetrics } from "./push_metrics.ts";

const log = logger("push");

/** What {@linkcode createPushHealth} needs. */
export interface PushHealthOptions {
  clock: Clock;
  metrics: PushMetrics;
  destination: string;
  /** Pending samples, for the log lines. */
  backlog: () => number;
  /** Told when pushing turns unhealthy (first failure) or healthy again (first success after). */
  onHealthChange?: (healthy: boolean) => void;
}

/** The health of one destination. */
export interface PushHealth {
  readonly consecutiveFailures: number;
  readonly lastSuccessMs: number | null;
  /** Set by failures and by rejections. */
  lastError: string | null;
  failed(what: string): void;
  succeeded(): void;
}

/** A healthy start: no failure, no success yet. */
export function createPushHealth(options: PushHealthOptions): PushHealth {
  const { metrics, destination } = options;
  let consecutiveFailures = 0;
  let lastSuccessMs: number | null = null;
  const health: PushHealth = {
    get consecutiveFailures() {
      return consecutiveFailures;
    },
    get lastSuccessMs() {
      return lastSuccessMs;
    },
    lastError: null,
    failed(what) {
      consecutiveFailures++;
      if (consecutiveFailures === 1) options.onHealthChange?.(false);
      metrics.consecutiveFailures.set(consecutiveFailures);
      health.lastError = what;
      // Log the first failure and then at 2, 4, 8, … so a long outage stays readable.
      if ((consecutiveFailures & (consecutiveFailures - 1)) === 0) {
        log.warn("Push failing, will retry: {error}", {
          error: what,
          destination,
          consecutive_failures: consecutiveFailures,
          backlog_samples: options.backlog(),
        });
      }
    },
    succeeded() {
      if (consecutiveFailures > 0) {
        options.onHealthChange?.(true);
        log.info("Push recovered after {failures} failed attempts", {
          failures: consecutiveFailures,
          destination,
          backlog_samples: options.backlog(),
        });
      }
      consecutiveFailures = 0;
      metrics.consecutiveFailures.set(0);
      lastSuccessMs = options.clock.wallNow();
      metrics.lastSuccess.set(lastSuccessMs / 1000);
    },
  };
  return health;
}
