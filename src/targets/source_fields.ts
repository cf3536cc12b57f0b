/** @module The identity fields every target source carries, filled the same way for each kind. */
import type { TargetSource } from "./types.ts";

/** The options every source kind takes besides its own. */
export interface SourceIdentity {
  name: string;
  probes: readonly string[];
  /** Labels of the source entry (source labels). */
  labels?: Record<string, string>;
  refreshMs?: number;
  fingerprint?: string;
}

/**
 * A source's fields other than `load`: `refreshMs` from the options, else `defaultRefreshMs`
 * (undefined for sources that never change).
 *
 * @example
 * ```ts
 * import { sourceFields } from "./source_fields.ts";
 * const f = sourceFields("file", { name: "f", probes: ["icmp"] }, 300_000);
 * if (f.refreshMs !== 300_000 || Object.keys(f.labels).length !== 0) throw new Error();
 * ```
 */
export function sourceFields(
  kind: string,
  options: SourceIdentity,
  defaultRefreshMs?: number,
): Omit<TargetSource, "load" | "watch"> {
  const refreshMs = options.refreshMs ?? defaultRefreshMs;
  return {
    name: options.name,
    kind,
    probes: options.probes,
    labels: options.labels ?? {},
    ...(refreshMs === undefined ? {} : { refreshMs }),
    fingerprint: options.fingerprint,
  };
}
