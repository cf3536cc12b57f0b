/**
 * @module The machine a bench run measured: CPU model, cores, kernel, load average before and
 * after, and whether the run may stand for the README's table (the load before it started was
 * at most `LOAD_LIMIT`: on a busy host every absolute figure moves, and ratios drift too).
 */

/** The highest 1-minute load average before the start for a run the README may quote. */
export const LOAD_LIMIT = 1;

/** What the machine was. */
export interface Machine {
  cpus: number;
  model: string;
  kernel: string;
}

/** Reads the machine from /proc. */
export function readMachine(): Machine {
  const cpuinfo = Deno.readTextFileSync("/proc/cpuinfo");
  return {
    cpus: navigator.hardwareConcurrency,
    model: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1]?.trim() ?? "?",
    kernel: Deno.readTextFileSync("/proc/sys/kernel/osrelease").trim(),
  };
}

/** The 1-, 5- and 15-minute load averages from a /proc/loadavg text. */
export function parseLoadavg(text: string): [number, number, number] {
  const [a, b, c] = text.trim().split(/\s+/).map(Number);
  if (![a, b, c].every((v) => Number.isFinite(v))) {
    throw new SyntaxError(`Cannot read load average from "${text.trim()}"`);
  }
  return [a!, b!, c!];
}

/** The load averages now. */
export function loadNow(): [number, number, number] {
  return parseLoadavg(Deno.readTextFileSync("/proc/loadavg"));
}

/** The verdict on a run for the README table. */
export type TableVerdict = { publishable: true } | { publishable: false; why: string };

/** Whether a run whose 1-minute load before start was `loadBefore` may make the README table. */
export function tableVerdict(loadBefore: number, limit = LOAD_LIMIT): TableVerdict {
  if (!(loadBefore <= limit)) {
    return {
      publishable: false,
      why: `load average ${loadBefore} before the start is above ${limit}: not for the README`,
    };
  }
  return { publishable: true };
}

/** The one machine line a run prints. */
export function machineLine(m: Machine, loads: readonly (readonly number[])[]): string {
  return `machine: ${m.cpus} × ${m.model}, Linux ${m.kernel}; load average ${
    loads.map((l) => l.join(" ")).join(" → ")
  }`;
}
