/**
 * @module The push metrics of SPEC §8, registered on the agent's registry once and labelled with
 * the push `destination`; each pusher gets its own bound set.
 */
import { Counter, Gauge, type Registry } from "../base/prom.ts";
import { droppedSamplesCounter } from "../wal/dropped_samples.ts";

/** A counter of one destination. */
export interface DestCounter<L extends string = never> {
  inc(labels?: Partial<Record<L, string>>, value?: number): void;
}
/** A gauge of one destination. */
export interface DestGauge {
  set(value: number): void;
}

/** One pusher's instruments, bound to its destination. */
export interface PushMetrics {
  samples: { inc(value?: number): void };
  /** Bytes of the remote-write bodies acknowledged (snappy-compressed, as sent). */
  bytes: { inc(value?: number): void };
  requests: DestCounter<"status">;
  metadataRequests: DestCounter<"status">;
  retries: { inc(): void };
  orderWaits: { inc(): void };
  dropped: DestCounter<"reason">;
  /** This destination's own labels left out of series as they were sent, by reason. */
  sendLabelsDropped: DestCounter<"reason">;
  lastSuccess: DestGauge;
  consecutiveFailures: DestGauge;
}

type Families = {
  samples: Counter<"destination">;
  bytes: Counter<"destination">;
  requests: Counter<"destination" | "status">;
  metadataRequests: Counter<"destination" | "status">;
  retries: Counter<"destination">;
  orderWaits: Counter<"destination">;
  sendLabelsDropped: Counter<"destination" | "reason">;
  lastSuccess: Gauge<"destination">;
  consecutiveFailures: Gauge<"destination">;
  backlog: Gauge<"destination">;
  /** Pending samples of each destination, read when the backlog gauge is scraped. */
  pending: Map<string, () => number>;
};

const books = new WeakMap<Registry, Families>();

function families(registry: Registry): Families {
  const known = books.get(registry);
  if (known) return known;
  const registers = [registry];
  const pending = new Map<string, () => number>();
  const d = ["destination"] as const;
  const made: Families = {
    pending,
    samples: new Counter({
      name: "vmprober_push_samples_total",
      help: "Samples acknowledged (2xx) by the remote-write endpoint",
      labelNames: d,
      registers,
    }),
    bytes: new Counter({
      name: "vmprober_push_bytes_total",
      help: "Bytes of remote-write bodies acknowledged (2xx), snappy-compressed as sent",
      labelNames: d,
      registers,
    }),
    requests: new Counter({
      name: "vmprober_push_requests_total",
      help: "Remote-write requests by outcome: the HTTP status code, timeout or network",
      labelNames: ["destination", "status"],
      registers,
    }),
    metadataRequests: new Counter({
      name: "vmprober_push_metadata_requests_total",
      help:
        "Remote-write metadata (HELP/TYPE) requests by outcome: HTTP status, timeout or network",
      labelNames: ["destination", "status"],
      registers,
    }),
    retries: new Counter({
      name: "vmprober_push_retries_total",
      help: "Remote-write requests retried after a 429, 5xx, timeout or network error",
      labelNames: d,
      registers,
    }),
    orderWaits: new Counter({
      name: "vmprober_push_order_waits_total",
      help: "Batches held back until the requests in flight were answered, because they share a " +
        "series with one of them (per-series timestamp order)",
      labelNames: d,
      registers,
    }),
    sendLabelsDropped: new Counter({
      name: "vmprober_push_send_labels_dropped_total",
      help: "Labels of this destination's extra_labels left out of series as they were sent, " +
        "by reason: duplicate (the series already had a label of that name, which wins)",
      labelNames: ["destination", "reason"],
      registers,
    }),
    lastSuccess: new Gauge({
      name: "vmprober_push_last_success_timestamp_seconds",
      help: "Unix time of the last 2xx answer (0: none yet)",
      labelNames: d,
      registers,
    }),
    consecutiveFailures: new Gauge({
      name: "vmprober_push_consecutive_failures",
      help: "Failed remote-write attempts since the last success",
      labelNames: d,
      registers,
    }),
    backlog: new Gauge({
      name: "vmprober_push_backlog_samples",
      help: "Samples in the WAL not yet acknowledged by the remote-write endpoint",
      labelNames: d,
      registers,
      collect() {
        for (const [destination, read] of pending) this.set({ destination }, read());
      },
    }),
  };
  books.set(registry, made);
  return made;
}

/**
 * Registers the push metrics (once per registry) and returns those of `destination`; its
 * `backlog` is read from `pendingSamples` at scrape time.
 */
export function createPushMetrics(
  registry: Registry,
  pendingSamples: () => number,
  destination = "",
): PushMetrics {
  const f = families(registry);
  const dropped = droppedSamplesCounter(registry);
  const destination_ = { destination };
  f.pending.set(destination, pendingSamples);
  dropped.inc({ reason: "rejected", destination }, 0);
  dropped.inc({ reason: "resent", destination }, 0);
  for (const c of [f.samples, f.bytes, f.retries, f.orderWaits]) c.inc(destination_, 0);
  f.sendLabelsDropped.inc({ destination, reason: "duplicate" }, 0);
  f.lastSuccess.set(destination_, 0);
  f.consecutiveFailures.set(destination_, 0);
  return {
    samples: { inc: (v = 1) => f.samples.inc(destination_, v) },
    bytes: { inc: (v = 1) => f.bytes.inc(destination_, v) },
    requests: { inc: (l = {}, v = 1) => f.requests.inc({ ...l, destination }, v) },
    metadataRequests: {
      inc: (l = {}, v = 1) => f.metadataRequests.inc({ ...l, destination }, v),
    },
    retries: { inc: () => f.retries.inc(destination_) },
    orderWaits: { inc: () => f.orderWaits.inc(destination_) },
    dropped: { inc: (l = {}, v = 1) => dropped.inc({ ...l, destination }, v) },
    sendLabelsDropped: {
      inc: (l = {}, v = 1) => f.sendLabelsDropped.inc({ ...l, destination }, v),
    },
    lastSuccess: { set: (v) => f.lastSuccess.set(destination_, v) },
    consecutiveFailures: { set: (v) => f.consecutiveFailures.set(destination_, v) },
  };
}
