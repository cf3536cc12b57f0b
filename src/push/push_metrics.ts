/** @module The push metrics of SPEC §8, registered on the agent's registry. */
import { Counter, Gauge, type Registry } from "../base/prom.ts";
import { droppedSamplesCounter } from "../wal/dropped_samples.ts";

/** The pusher's instruments. */
export interface PushMetrics {
  samples: Counter;
  requests: Counter<"status">;
  metadataRequests: Counter<"status">;
  retries: Counter;
  orderWaits: Counter;
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
    metadataRequests: new Counter({
      name: "vmprober_push_metadata_requests_total",
      help:
        "Remote-write metadata (HELP/TYPE) requests by outcome: HTTP status, timeout or network",
      labelNames: ["status"],
      registers,
    }),
    retries: new Counter({
      name: "vmprober_push_retries_total",
      help: "Remote-write requests retried after a 429, 5xx, timeout or network error",
      registers,
    }),
    orderWaits: new Counter({
      name: "vmprober_push_order_waits_total",
      help: "Batches held back until the requests in flight were answered, because they share a " +
        "series with one of them (per-series timestamp order)",
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
