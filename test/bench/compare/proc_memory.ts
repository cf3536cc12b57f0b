/**
 * @module A process's memory as a reader can judge it: RSS split into anonymous (the process's
 * own heap) and file-backed pages (mostly the `deno` binary's code and read-only data, shared by
 * every deno process and dropped by the kernel under pressure), and PSS (shared pages divided by
 * their users), from `/proc/<pid>/status` and `/proc/<pid>/smaps_rollup`.
 */

/** Memory of one process, in MiB. */
export interface ProcMemory {
  rssMb: number;
  anonMb: number;
  fileMb: number;
  pssMb: number;
}

/** The `kB` value of `key:` in a /proc text; throws when the line is missing. */
export function procKb(text: string, key: string): number {
  const m = text.match(new RegExp(`^${key}:\\s+(\\d+) kB$`, "m"));
  if (!m) throw new SyntaxError(`Cannot read ${key} from /proc: no "${key}: N kB" line`);
  return Number(m[1]);
}

/** Reads `pid`'s memory; status and smaps_rollup texts can be given (tests). */
export function procMemory(
  pid: number,
  read = (f: string) => Deno.readTextFileSync(`/proc/${pid}/${f}`),
): ProcMemory {
  const status = read("status");
  const rollup = read("smaps_rollup");
  const mb = (kb: number) => kb / 1024;
  return {
    rssMb: mb(procKb(status, "VmRSS")),
    anonMb: mb(procKb(status, "RssAnon")),
    fileMb: mb(procKb(status, "RssFile")),
    pssMb: mb(procKb(rollup, "Pss")),
  };
}
