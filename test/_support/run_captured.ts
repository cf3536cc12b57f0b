/** @module Runs a command to completion with only the environment given, its output captured. */

/** What one run printed and how it exited. */
export interface CapturedRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `argv` in `cwd` (default `/`) with exactly `env`, no stdin; stdout and stderr decoded. */
export async function runCaptured(
  argv: string[],
  options: { env: Record<string, string>; cwd?: string },
): Promise<CapturedRun> {
  const out = await new Deno.Command(argv[0]!, {
    args: argv.slice(1),
    env: options.env,
    clearEnv: true,
    cwd: options.cwd ?? "/",
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}
