/**
 * @module Runs the real CLI from source (`deno run $(cat scripts/deno_flags) src/main.ts …`) with
 * a kill timer, so a hang fails the test instead of stalling it.
 */
import { fileURLToPath } from "node:url";

/** The repository root. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DENO = `${ROOT}node_modules/.bin/deno`;
const FLAGS = (await Deno.readTextFile(`${ROOT}scripts/deno_flags`)).trim().split(/\s+/);

/** What one CLI run produced. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** True when the kill timer fired. */
  killed: boolean;
}

/** Runs `vmprober ARGS…` from source; kills it after `killAfterMs` (default 15 s). */
export async function runCli(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; killAfterMs?: number } = {},
): Promise<CliResult> {
  const child = new Deno.Command(DENO, {
    args: ["run", ...FLAGS, `${ROOT}src/main.ts`, ...args],
    cwd: options.cwd ?? ROOT,
    env: { NO_COLOR: "1", ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill("SIGKILL");
  }, options.killAfterMs ?? 15_000);
  try {
    const { code, stdout, stderr } = await child.output();
    const text = new TextDecoder();
    return { code, stdout: text.decode(stdout), stderr: text.decode(stderr), killed };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `jobs` with at most `width` at a time, keeping their order in the result. */
export async function inBatches<T>(jobs: (() => Promise<T>)[], width: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, jobs.length) }, worker));
  return results;
}
