/** @module The push metrics of SPEC §8, registered on the agent's registry. */
import { Counter, Gauge, type Registry } from "prom-client";

/** Name shared with the WAL, which counts `reason="wal_full"` on it. */
export const DROPPED_SAMPLES = "vmprober_push_dropped_samples_total";

/**
 * `vmprober_push_dropped_samples_total{reason}`, registered once per registry: whichever of the WAL
 * and the pusher asks first creates it, the other gets the same counter.
 */
export function droppedSamplesCounter(registry: Registry): Counter<"reason"> {
  const existing = registry.getSingleMetric(DROPPED_SAMPLES);
  if (existing) return existing as Counter<"reason">;
  return new Counter({
    name: DROPPED_SAMPLES,
    help: "Samples that will never reach the remote-write endpoint, by reason " +
      "(rejected: a 4xx answer; wal_full: the oldest WAL segment dropped at wal.max_size)",
    labelNames: ["reason"],
    registers: [registry],
  });
}

/** The pusher's instruments. */
export interface PushMetrics {
  samples: Counter;
  requests: Counter<"status">;
  retries: Counter;
  dropped: Counter<"reason">;
  lastSuccess: Gauge;
  consecutiveFailures: Gauge;
  backlog: Gauge;
}

/** Registers the push metrics; `backlog` is read from `pendingSamples` at scrape time. */
export function createPushMetrics(registry: Registry, pendingSamples: () => number): PushMetrics {
  const registers = [registry];
  const dropped = droppedSamplesCounter(registry);
  dropped.inc({ reason: "rejected" }, 0);
  return {
    samples: new Counter({
      name: "vmprober_push_samples_total",
      help: "Samples acknowledged (2xx) by the remote-write endpoint",
      registers,
    }),
    requests: new Counter({
      name: "vmprober_push_requests_total",
      help: "Remote-write requests by outcome: the HTTP status code, timeout or network",
      labelNames: ["status"],
      registers,
    }),
    retries: new Counter({
      name: "vmprober_push_retries_total",
      help: "Remote-write requests retried after a 429, 5xx, timeout or network error",
      registers,
    }),
    dropped,
    lastSuccess: new Gauge({
      name: "vmprober_push_last_success_timestamp_seconds",
      help: "Unix time of the last 2xx answer (0: none yet)",
      registers,
    }),
    consecutiveFailures: new Gauge({
      name: "vmprober_push_consecutive_failures",
      help: "Failed remote-write attempts since the last success",
      registers,
    }),
    backlog: new Gauge({
      name: "vmprober_push_backlog_samples",
      help: "Samples in the WAL not yet acknowledged by the remote-write endpoint",
      registers,
      collect() {
        this.set(pendingSamples());
      },
    }),
  };
}
