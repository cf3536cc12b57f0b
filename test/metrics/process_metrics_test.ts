import assert from "node:assert/strict";
import { Registry } from "../../src/base/prom.ts";
import { registerProcessMetrics } from "../../src/metrics/process_metrics.ts";
import { metricValue } from "../_support/agent_process.ts";

Deno.test("registerProcessMetrics() reports CPU time that grows with work, and real memory", async () => {
  const registry = new Registry();
  registerProcessMetrics(registry);
  const before = metricValue(await registry.metrics(), "process_cpu_seconds_total")!;
  let x = 0;
  const end = performance.now() + 50;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  const text = await registry.metrics();
  assert.ok(metricValue(text, "process_cpu_seconds_total")! > before, "cpu time grew");
  assert.ok(metricValue(text, "process_resident_memory_bytes")! > 10 * 2 ** 20);
  const start = metricValue(text, "process_start_time_seconds")!;
  assert.ok(Math.abs(start - Date.now() / 1000) < 3600);
});
