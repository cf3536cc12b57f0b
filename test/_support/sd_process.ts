/** @module Looking at a process by pid through /proc, for the no-zombie assertions. */

/** `gone` (no such pid), `zombie` (exited, not reaped) or `alive`, and its parent pid. */
export function processState(pid: number): { state: "gone" | "zombie" | "alive"; ppid?: number } {
  let text: string;
  try {
    text = Deno.readTextFileSync(`/proc/${pid}/status`);
  } catch {
    return { state: "gone" };
  }
  const state = /^State:\s+(\S)/m.exec(text)?.[1];
  const ppid = Number(/^PPid:\s+(\d+)/m.exec(text)?.[1]);
  return { state: state === "Z" || state === "X" ? "zombie" : "alive", ppid };
}

/** True when `pid` is not a live process and not a zombie child of `parent` (default: this one). */
export function leftNothing(pid: number, parent = Deno.pid): boolean {
  const s = processState(pid);
  return s.state === "gone" || (s.state === "zombie" && s.ppid !== parent);
}

/** The direct children of this process still listed in /proc (zombies included). */
export function childrenOfThisProcess(): number[] {
  const out: number[] = [];
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    const s = processState(Number(e.name));
    if (s.state !== "gone" && s.ppid === Deno.pid) out.push(Number(e.name));
  }
  return out;
}
