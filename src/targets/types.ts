/** @module The target-source seam and the shapes targets travel in. */

/** A Prometheus `file_sd`/`http_sd` group: addresses sharing labels. */
export interface TargetGroup {
  targets: string[];
  labels: Record<string, string>;
  /**
   * Label names the SD data set but the agent's own series use (`le`, `job`, `phase`, …): dropped
   * from `labels`, counted and logged by the target manager.
   */
  dropped?: string[];
}

/** Where targets come from: the config, files, an HTTP endpoint, a command. */
export interface TargetSource {
  /** Stable name, unique in the config, used as the `source` metric label. */
  readonly name: string;
  /** `static`, `file`, `http` or `command`. */
  readonly kind: string;
  /** Probe modules applied to every target of this source. */
  readonly probes: readonly string[];
  /** Labels the config adds to every target of this source. */
  readonly labels: Readonly<Record<string, string>>;
  /** Re-load every this many ms; undefined for sources that never change (static). */
  readonly refreshMs?: number;
  /**
   * What the source was built from (kind + options, paths resolved). Two sources with the same
   * name and fingerprint are the same source: a reload keeps its state.
   */
  readonly fingerprint?: string;
  /** Loads the current groups; rejects with a clear error (a SourceError) on any failure. */
  load(signal: AbortSignal): Promise<TargetGroup[]>;
  /**
   * Optional change notification (file sources: `Deno.watchFs`). Calls `onChange` when the
   * source's data may have changed, until `signal` aborts. The manager debounces the calls.
   */
  watch?(onChange: () => void, signal: AbortSignal): void;
}

/** One target after merging all sources: probed once per probe module. */
export interface Target {
  /** The address as the source wrote it. */
  address: string;
  /** Merged labels (source labels, then group labels; see merge.ts for precedence). */
  labels: Record<string, string>;
  /** Probe module names to run on it. */
  probes: string[];
  /** Names of the sources it came from. */
  sources: string[];
}
