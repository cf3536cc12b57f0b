/** @module The `static` source: targets written in the config itself. */
import { sourceFields } from "./source_fields.ts";
import { DEFAULT_MAX_TARGETS, validateSteps } from "./sd_format.ts";
import { runSliced } from "../base/slices.ts";
import type { TargetGroup, TargetSource } from "./types.ts";

/** Options of {@linkcode createStaticSource}. */
export interface StaticSourceOptions {
  name: string;
  targets: readonly string[];
  /** Labels of the `static:` block (group labels). */
  groupLabels?: Record<string, string>;
  /** Labels of the source entry (source labels). */
  labels?: Record<string, string>;
  probes: readonly string[];
  fingerprint?: string;
}

/** A source whose one group never changes. Addresses are validated on every load, in slices. */
export function createStaticSource(options: StaticSourceOptions): TargetSource {
  const doc = [{ targets: [...options.targets], labels: { ...options.groupLabels } }];
  return {
    ...sourceFields("static", options),
    load(signal: AbortSignal): Promise<TargetGroup[]> {
      return runSliced(validateSteps(doc, DEFAULT_MAX_TARGETS), { signal });
    },
  };
}
