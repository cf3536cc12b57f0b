/** @module Test helper: one metric value from a prom-client registry. */
import type { Registry } from "../../src/base/prom.ts";

/** The value of `name` with exactly matching `labels` (a subset match), or undefined. */
export async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number | undefined> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return undefined;
  const data = await metric.get();
  for (const v of data.values) {
    const l = v.labels as Record<string, string | number>;
    if (Object.entries(labels).every(([k, x]) => String(l[k]) === x)) return v.value;
  }
  return undefined;
}
