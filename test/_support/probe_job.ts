/**
 * @module The job the scheduler hands a probe for one attempt, built for probe tests from a
 * module type, its options and where to probe.
 */
import type { ProbeJob } from "../../src/schedule/job.ts";
import type { ModuleOf, ProbeType } from "../../src/config/schema.ts";

/** Where and how long to probe; `target` defaults to `host:port` (`host` without a port). */
export interface JobPlace {
  host: string;
  port?: number;
  target?: string;
  /** The module's name (default: the type). */
  probe?: string;
  /** Default 1000. */
  timeoutMs?: number;
}

/** A `ProbeJob` of `type` with `options` (ip_protocol auto). */
export function probeJob<T extends ProbeType>(
  type: T,
  options: Omit<ModuleOf<T>, "type">,
  place: JobPlace,
): ProbeJob<T> {
  const { host, port } = place;
  return {
    target: place.target ?? (port === undefined ? host : `${host}:${port}`),
    host,
    ...(port === undefined ? {} : { port }),
    probe: place.probe ?? type,
    type,
    timeoutMs: place.timeoutMs ?? 1000,
    ipProtocol: "auto",
    options: { type, ...options } as ModuleOf<T>,
  };
}
