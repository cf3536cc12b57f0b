/**
 * @module Delivers one batch: sends it until it is acknowledged or rejected, retrying 429/5xx and
 * network errors with backoff (honouring `Retry-After`); a rejection is dropped and counted.
 */
import { logger } from "../log.ts";
import type { Clock } from "../base/clock.ts";
import { retryDelay } from "./backoff.ts";
import type { Batch } from "./batcher.ts";
import type { PushClient, PushConfig } from "./client.ts";
import type { PushHealth } from "./push_health.ts";
import type { PushMetrics } from "./push_metrics.ts";
import { classifyOutcome, outcomeLabel } from "./status_policy.ts";

const log = logger("push");

/** Response bodies are cut to this length in log lines and the status. */
export const LOG_BODY_CHARS = 256;

/** How a batch ended: acknowledged, rejected (dropped), or given up on because of a stop. */
export type Delivery = "ok" | "dropped" | "failed";

/** What {@linkcode createDeliver} needs. */
export interface DeliverOptions {
  config: PushConfig;
  clock: Clock;
  client: () => PushClient;
  metrics: PushMetrics;
  health: PushHealth;
  random: () => number;
  /** Aborts requests in flight (the shutdown deadline). */
  hard: AbortSignal;
  /** Ends backoff sleeps early (a stop). */
  soft: AbortSignal;
  /** True once stopping: a failure then ends the batch as "failed". */
  stopping: () => boolean;
}

/** The delivery function of one pusher. */
export function createDeliver(options: DeliverOptions): (batch: Batch) => Promise<Delivery> {
  const { config, clock, metrics, health } = options;
  return async function deliver(batch) {
    // After a timeout or a cut connection the receiver may have taken the batch all the same.
    let maybeArrived = batch.resend === true;
    for (let attempt = 0;; attempt++) {
      if (attempt > 0) metrics.retries.inc();
      const outcome = await options.client().send(batch.body, options.hard);
      metrics.requests.inc({ status: outcomeLabel(outcome) });
      const verdict = classifyOutcome(outcome);
      if (verdict === "ok") {
        health.succeeded();
        return "ok";
      }
      const body = outcome.kind === "status"
        ? outcome.body.slice(0, LOG_BODY_CHARS)
        : outcome.message;
      if (verdict === "drop") {
        const status = outcome.kind === "status" ? outcome.status : 0;
        const fields = { status, samples: batch.samples, records: batch.records, body };
        if (maybeArrived) {
          // Sent before (before the restart, or an attempt whose answer was lost): most likely
          // it arrived then (Prometheus refuses samples it holds as out of order), so this is
          // no error of the destination.
          metrics.dropped.inc({ reason: "resent" }, batch.samples);
          log.warn(
            batch.resend
              ? "Push of a batch sent before the restart again refused with HTTP {status} " +
                "(most likely it had arrived), dropped {samples} samples: {body}"
              : "Push of a batch sent before without an answer again refused with HTTP " +
                "{status} (most likely it had arrived), dropped {samples} samples: {body}",
            fields,
          );
          return "dropped";
        }
        metrics.dropped.inc({ reason: "rejected" }, batch.samples);
        health.lastError = `HTTP ${status}: ${body}`;
        log.error("Push rejected with HTTP {status}, dropped {samples} samples: {body}", fields);
        return "dropped";
      }
      if (outcome.kind !== "status") maybeArrived = true;
      health.failed(outcome.kind === "status" ? `HTTP ${outcome.status}: ${body}` : body);
      if (options.stopping()) return "failed";
      const retryAfter = outcome.kind === "status" ? outcome.retryAfterMs : undefined;
      const delay = retryDelay(attempt, retryAfter, {
        minMs: config.min_backoff,
        maxMs: config.max_backoff,
        random: options.random,
      });
      // A stop during the sleep ends it early: the next attempt is the last one.
      await clock.sleep(delay, options.soft).catch(() => {});
    }
  };
}
