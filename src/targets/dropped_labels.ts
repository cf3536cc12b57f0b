/**
 * @module Labels SD data set that the agent's own series use (`le`, `job`, `phase`, …) are data,
 * not an error: the parser drops them; this counts them per source and logs when the set of
 * dropped names of a source changes (not on every refresh).
 */
import type { Logger } from "@logtape/logtape";
import type { SdMetrics } from "./sd_metrics.ts";
import type { TargetGroup } from "./types.ts";

/** Returns the reporter the manager calls after every good load of a source. */
export function droppedLabelReporter(
  metrics: Pick<SdMetrics, "labelsDropped">,
  log: Pick<Logger, "warn">,
): (source: string, groups: readonly TargetGroup[]) => void {
  const lastNames = new Map<string, string>();
  return (source, groups) => {
    const names = new Set<string>();
    let n = 0;
    for (const g of groups) {
      for (const name of g.dropped ?? []) {
        names.add(name);
        n++;
      }
    }
    if (n > 0) metrics.labelsDropped.inc({ source, reason: "reserved" }, n);
    const text = [...names].sort().join(",");
    if (text === (lastNames.get(source) ?? "")) return;
    if (lastNames.size > 10_000) lastNames.clear();
    lastNames.set(source, text);
    if (text) {
      log.warn(
        "Target source {source}: dropped {count} labels named {names} (names VMProber's own series use)",
        { source, count: n, names: text },
      );
    }
  };
}
