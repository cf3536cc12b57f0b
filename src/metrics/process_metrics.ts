/**
 * @module Process metrics that are true on Deno, read from `/proc` (Linux) at scrape time.
 * prom-client's Node.js defaults are not used: several mean nothing here (event-loop lag from
 * libuv, Node handles) and some fail `promtool check metrics`.
 */
import { Counter, Gauge, type Registry } from "prom-client";

const CLOCK_TICKS = 100;
const PAGE_SIZE = 4096;

function readProc(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return undefined;
  }
}

/** Registers process_* metrics on `registry`. */
export function registerProcessMetrics(registry: Registry): void {
  const startTime = (Date.now() - performance.now()) / 1000;
  const gauge = (name: string, help: string, read: () => number | undefined) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const v = read();
        if (v !== undefined) this.set(v);
      },
    });
  const stat = () => readProc("/proc/self/stat")?.split(") ")[1]?.split(" ");
  // A counter whose value comes from the kernel at scrape time.
  new Counter({
    name: "process_cpu_seconds_total",
    help: "Total user and system CPU time spent in seconds.",
    registers: [registry],
    collect() {
      const f = stat();
      if (!f) return;
      this.reset();
      this.inc((Number(f[11]) + Number(f[12])) / CLOCK_TICKS);
    },
  });
  gauge("process_resident_memory_bytes", "Resident memory size in bytes.", () => {
    const f = readProc("/proc/self/statm")?.split(" ");
    return f ? Number(f[1]) * PAGE_SIZE : Deno.memoryUsage().rss;
  });
  gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", () => {
    const f = stat();
    return f ? Number(f[20]) : undefined;
  });
  gauge(
    "process_start_time_seconds",
    "Start time of the process since unix epoch in seconds.",
    () => startTime,
  );
  gauge("process_open_fds", "Number of open file descriptors.", () => {
    try {
      let n = 0;
      for (const _ of Deno.readDirSync("/proc/self/fd")) n++;
      return n;
    } catch {
      return undefined;
    }
  });
  gauge("process_max_fds", "Maximum number of open file descriptors.", () => {
    const m = readProc("/proc/self/limits")?.match(/Max open files\s+(\d+)/);
    return m ? Number(m[1]) : undefined;
  });
  gauge("deno_heap_used_bytes", "V8 heap in use, in bytes.", () => Deno.memoryUsage().heapUsed);
  gauge("deno_heap_total_bytes", "V8 heap reserved, in bytes.", () => Deno.memoryUsage().heapTotal);
}
