/** @module The probe seam: one attempt on one target, with a hard deadline. */
import type { ProbeOutcome, ProbeType } from "../results/types.ts";

/** One scheduled (target, probe module) pair, as a probe sees it. */
export interface ProbeJob {
  /** The address as the source wrote it (`host`, `host:port`, `[v6]:port`). */
  target: string;
  /** Host part: a name, an IPv4 or an IPv6 address (no brackets). */
  host: string;
  /** Port from the address, else from the module, else undefined. */
  port?: number;
  /** Module name from the config. */
  probe: string;
  type: ProbeType;
  /** Milliseconds one attempt may take, at most. */
  timeoutMs: number;
  /** `ip4`, `ip6` or `auto` (prefer IPv4 when a name has both). */
  ipProtocol: "ip4" | "ip6" | "auto";
  /** The module's type-specific options, as validated by the config schema. */
  // deno-lint-ignore no-explicit-any
  options: Record<string, any>;
}

/** A probe kind. `run` performs one attempt; it resolves (never rejects) within `job.timeoutMs`. */
export interface Probe {
  readonly type: ProbeType;
  run(job: ProbeJob, signal: AbortSignal): Promise<ProbeOutcome>;
  /** Releases shared resources (sockets); probes without any leave it out. */
  [Symbol.asyncDispose]?(): PromiseLike<void>;
}
