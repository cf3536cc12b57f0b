/**
 * @module Process metrics that are true on Deno. Deno refuses `/proc/self` without `--allow-all`,
 * so CPU comes from `process.cpuUsage()` and memory from `Deno.memoryUsage()`; file-descriptor
 * counts are not exported. prom-client's Node.js defaults are not used: several mean nothing here
 * (libuv event-loop lag, Node handles) and some fail `promtool check metrics`.
 */
import process from "node:process";
import { Counter, Gauge, type Registry } from "../base/prom.ts";

/** Registers process_* and deno_* metrics on `registry`, read at scrape time. */
export function registerProcessMetrics(registry: Registry): void {
  const startTime = Math.round(Date.now() - performance.now()) / 1000;
  const registers = [registry];
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read());
      },
    });
  new Counter({
    name: "process_cpu_seconds_total",
    help: "Total user and system CPU time spent in seconds.",
    registers,
    collect() {
      const { user, system } = process.cpuUsage();
      this.reset();
      this.inc((user + system) / 1e6);
    },
  });
  gauge(
    "process_resident_memory_bytes",
    "Resident memory size in bytes.",
    () => Deno.memoryUsage().rss,
  );
  gauge(
    "process_start_time_seconds",
    "Start time of the process since unix epoch in seconds.",
    () => startTime,
  );
  gauge("deno_heap_used_bytes", "V8 heap in use, in bytes.", () => Deno.memoryUsage().heapUsed);
  gauge("deno_heap_total_bytes", "V8 heap reserved, in bytes.", () => Deno.memoryUsage().heapTotal);
  gauge(
    "deno_external_memory_bytes",
    "Memory of objects outside the V8 heap (buffers), in bytes.",
    () => Deno.memoryUsage().external,
  );
}
