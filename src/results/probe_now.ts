/**
 * @module One probe run now, outside the schedule: what `GET /probe` does. Only configured
 * modules; one attempt (no retries), as blackbox_exporter; the module's timeout, capped by the
 * caller's. The result is a normal record (labels: the agent's), not fed to any sink.
 */
import type { Config } from "../config/schema.ts";
import type { ProbeLookup } from "../probes/registry.ts";
import type { ResultRecord } from "./types.ts";
import type { Clock } from "../base/clock.ts";
import { probeJobFor } from "../schedule/job.ts";
import { jobKey } from "../base/job_key.ts";

/** One request: the target as written, the module's name, an optional cap on its timeout. */
export interface ProbeNowRequest {
  target: string;
  module: string;
  timeoutCapMs?: number;
  signal: AbortSignal;
}

/** The record of the run plus the module and timeout used, or why nothing ran. */
export type ProbeNowResult =
  | { ok: true; record: ResultRecord; module: Record<string, unknown>; timeoutMs: number }
  | { ok: false; error: string };

/** What {@linkcode probeNow} reads: the current config (it changes on reload) and the probes. */
export interface ProbeNowDeps {
  config(): Config;
  probes: ProbeLookup;
  clock: Clock;
}

/** Runs one probe; never rejects. */
export async function probeNow(deps: ProbeNowDeps, req: ProbeNowRequest): Promise<ProbeNowResult> {
  const config = deps.config();
  const module = Object.hasOwn(config.probes, req.module) ? config.probes[req.module] : undefined;
  if (!module) {
    const known = Object.keys(config.probes).join(", ");
    return { ok: false, error: `Unknown module "${req.module}" (configured: ${known})` };
  }
  const job = probeJobFor(req.target, req.module, config);
  if ("reason" in job) return { ok: false, error: `Bad target "${req.target}": ${job.detail}` };
  if (req.timeoutCapMs !== undefined && req.timeoutCapMs < job.timeoutMs) {
    job.timeoutMs = Math.max(1, req.timeoutCapMs);
  }
  const probe = deps.probes.get(job.type);
  if (!probe) return { ok: false, error: `Probe type ${job.type} is not available in this build` };
  const timestampMs = deps.clock.wallNow();
  const outcome = await probe.run(job, req.signal);
  const { job: sourceJob, ...labels } = { ...config.agent.labels, ...config.metrics.labels };
  return {
    ok: true,
    record: {
      ...outcome,
      key: jobKey(req.module, req.target),
      timestampMs,
      target: req.target,
      probe: req.module,
      type: job.type,
      labels,
      attempts: 1,
      job: sourceJob ?? module.job ?? req.module,
    },
    module,
    timeoutMs: job.timeoutMs,
  };
}
