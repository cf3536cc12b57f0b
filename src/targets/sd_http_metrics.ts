/** @module `vmprober_sd_http_not_modified_total{source}`: HTTP source answers of 304 Not Modified. */
import { Counter, type Registry } from "../base/prom.ts";

/** Registers (or reuses) the counter of 304 answers by source. */
export function notModifiedCounter(registry: Registry): Counter<"source"> {
  const name = "vmprober_sd_http_not_modified_total";
  return (registry.getSingleMetric(name) as Counter<"source"> | undefined) ??
    new Counter({
      name,
      help: "HTTP target source refreshes answered 304 Not Modified (targets kept as they were).",
      labelNames: ["source"] as const,
      registers: [registry],
    });
}
