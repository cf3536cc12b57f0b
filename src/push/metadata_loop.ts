/**
 * @module Sends the HELP/TYPE metadata request now and every `push.metadata_interval`; a retryable
 * failure is retried with backoff meanwhile. It never touches the push position or health:
 * metadata is not data.
 */
import { logger } from "../log.ts";
import type { Clock } from "../base/clock.ts";
import type { PushedFamily } from "../results/pushed_families.ts";
import { retryDelay } from "./backoff.ts";
import type { PushClient, PushConfig } from "./client.ts";
import { LOG_BODY_CHARS } from "./deliver.ts";
import { metadataRequest } from "./metadata.ts";
import type { PushMetrics } from "./push_metrics.ts";
import { classifyOutcome, outcomeLabel } from "./status_policy.ts";

const log = logger("push");

/** What {@linkcode sendMetadataLoop} needs. */
export interface MetadataLoopOptions {
  config: PushConfig;
  clock: Clock;
  client: PushClient;
  metrics: PushMetrics;
  random: () => number;
  /** Ends the loop (a stop). */
  signal: AbortSignal;
}

/** Runs until `options.signal` aborts; never throws. */
export async function sendMetadataLoop(
  families: () => readonly PushedFamily[],
  options: MetadataLoopOptions,
): Promise<void> {
  const { config, clock, client, metrics, signal } = options;
  const interval = config.metadata_interval;
  let attempt = 0;
  while (!signal.aborted) {
    let outcome;
    try {
      outcome = await client.send(metadataRequest(families()), signal);
    } catch {
      return; // stopping
    }
    metrics.metadataRequests.inc({ status: outcomeLabel(outcome) });
    const verdict = classifyOutcome(outcome);
    let wait = interval;
    if (verdict === "retry") {
      const retryAfter = outcome.kind === "status" ? outcome.retryAfterMs : undefined;
      const backoff = {
        minMs: config.min_backoff,
        maxMs: config.max_backoff,
        random: options.random,
      };
      wait = Math.min(interval, retryDelay(attempt++, retryAfter, backoff));
    } else {
      if (verdict === "drop") {
        log.warn("Push metadata rejected with HTTP {status}: {body}", {
          status: outcome.kind === "status" ? outcome.status : 0,
          body: outcome.kind === "status" ? outcome.body.slice(0, LOG_BODY_CHARS) : "",
        });
      }
      attempt = 0;
    }
    await clock.sleep(wait, signal).catch(() => {});
  }
}
