/** @module The agent's own metrics: scheduler, targets, config reloads, build info. */
import { Counter, Gauge, Histogram, type Registry } from "../base/prom.ts";
import type { SchedulerHooks, SkipReason } from "../schedule/scheduler.ts";
import type { WorkerPool } from "../pool/worker_pool.ts";

/** Scheduler lag buckets, seconds: fine below 20 ms where the target p99 sits. */
export const LAG_BUCKETS = [
  0.0005,
  0.001,
  0.002,
  0.005,
  0.01,
  0.02,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
];

/** Self metrics the agent updates directly. */
export interface SelfMetrics {
  schedulerHooks: SchedulerHooks;
  jobs: Gauge;
  targets: Gauge;
  configReloads: Counter<"result">;
  configLastReloadSuccessful: Gauge;
  configLastReloadTimestamp: Gauge;
  rejectedTargets: Counter<"reason">;
  /** `GET /probe` requests refused: `bad_request` (400) or `busy` (503). */
  probeRequestsRefused: Counter<"reason">;
}

/** Registers the self metrics; `pool` is read at scrape time for in-flight and queued counts. */
export function registerSelfMetrics(
  registry: Registry,
  options: { pool: () => WorkerPool | undefined; version: string },
): SelfMetrics {
  const registers = [registry];
  const lag = new Histogram({
    name: "vmprober_scheduler_lag_seconds",
    help: "Delay between a probe's planned start and its actual start, in seconds.",
    buckets: LAG_BUCKETS,
    registers,
  });
  const skipped = new Counter({
    name: "vmprober_probes_skipped_total",
    help: "Scheduled probe runs not started, by reason.",
    labelNames: ["reason"],
    registers,
  });
  const reasons: SkipReason[] = ["overrun", "rate_limited", "queue_full", "missed", "removed"];
  reasons.forEach((r) => skipped.inc({ reason: r }, 0));
  const delayed = new Counter({
    name: "vmprober_probes_delayed_total",
    help: "Probe runs delayed by the global or per-host rate limit.",
    registers,
  });
  new Gauge({
    name: "vmprober_probes_in_flight",
    help: "Probe runs executing now.",
    registers,
    collect() {
      this.set(options.pool()?.inFlight ?? 0);
    },
  });
  new Gauge({
    name: "vmprober_probes_queued",
    help: "Probe runs waiting for a worker.",
    registers,
    collect() {
      this.set(options.pool()?.queued ?? 0);
    },
  });
  new Gauge({
    name: "vmprober_build_info",
    help: "Build information; the value is 1.",
    labelNames: ["version"],
    registers,
  }).set({ version: options.version }, 1);
  const skipChildren = new Map(reasons.map((r) => [r, skipped.labels({ reason: r })]));
  return {
    schedulerHooks: {
      lag: (s) => lag.observe(s),
      skipped: (r) => skipChildren.get(r)?.inc(),
      delayed: () => delayed.inc(),
    },
    jobs: new Gauge({
      name: "vmprober_scheduler_jobs",
      help: "Scheduled (target, probe module) jobs.",
      registers,
    }),
    targets: new Gauge({
      name: "vmprober_targets",
      help: "Targets after merging all sources.",
      registers,
    }),
    configReloads: new Counter({
      name: "vmprober_config_reloads_total",
      help: "Config reloads by result.",
      labelNames: ["result"],
      registers,
    }),
    configLastReloadSuccessful: new Gauge({
      name: "vmprober_config_last_reload_successful",
      help: "Whether the last config reload succeeded (1) or not (0).",
      registers,
    }),
    configLastReloadTimestamp: new Gauge({
      name: "vmprober_config_last_reload_success_timestamp_seconds",
      help: "Time of the last successful config load, Unix seconds.",
      registers,
    }),
    rejectedTargets: new Counter({
      name: "vmprober_targets_rejected_total",
      help: "Targets dropped before scheduling, by reason.",
      labelNames: ["reason"],
      registers,
    }),
    probeRequestsRefused: (() => {
      const c = new Counter({
        name: "vmprober_probe_requests_refused_total",
        help: "GET /probe requests refused, by reason (bad_request: 400, busy: 503).",
        labelNames: ["reason"],
        registers,
      });
      for (const reason of ["bad_request", "busy"]) c.inc({ reason }, 0);
      return c;
    })(),
  };
}
