/** @module The machine line every printed bench figure is paired with. */

/** `nproc`, CPU model and `/proc/loadavg` now. */
export function machine(): { nproc: number; cpu: string | undefined; loadavg: string } {
  return {
    nproc: navigator.hardwareConcurrency,
    cpu: /model name\s*:\s*(.*)/.exec(Deno.readTextFileSync("/proc/cpuinfo"))?.[1],
    loadavg: Deno.readTextFileSync("/proc/loadavg").trim(),
  };
}
