/** @module The one result record every probe outcome becomes, and the sink seam it flows into. */
import type { ProbeType } from "../config/schema.ts";
import type { ProbeOutcome } from "../probes/types.ts";

/** A normalized result: one per (target, probe module) run. */
export interface ResultRecord extends ProbeOutcome {
  /** The job's key (`jobKey(probe, target)`), carried from the scheduler; sinks key state by it. */
  key: string;
  /** Probe start, Unix milliseconds (wall clock). */
  timestampMs: number;
  /** The address as the source wrote it. */
  target: string;
  /** The probe module name from the config. */
  probe: string;
  type: ProbeType;
  /** Agent labels + source labels + target labels, merged. Excludes probe/type/target. */
  labels: Readonly<Record<string, string>>;
  /** Attempts made (1 + retries used). */
  attempts: number;
  /**
   * The `job` label: the source's or module's `job`, else the module name. Optional so older
   * writers keep working: absent means the module name.
   */
  job?: string;
}

/** Where normalized records go: live metrics, the WAL, a test fake. */
export interface Sink {
  write(records: readonly ResultRecord[]): void;
}
