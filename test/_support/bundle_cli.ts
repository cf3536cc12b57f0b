/**
 * @module The CLI as users get it, for e2e tests: the esbuild bundle run by `deno run` with exactly
 * the flags of `scripts/deno_flags` (from a directory with no deno.json, like an installed file),
 * and — where one was built — the compiled binary `dist/vmprober-<host target>` (or the path in
 * `$VMPROBER_E2E_BINARY`). The bundle is built once per test process, stamped with
 * {@linkcode E2E_VERSION} and {@linkcode E2E_COMMIT}, into a temporary directory.
 */
import { bundle, ROOT } from "../../scripts/bundle.ts";
import { readDenoFlags } from "../../scripts/permissions.ts";

/** The version stamped into the test bundle. */
export const E2E_VERSION = "9.8.7-e2e";
/** The commit stamped into the test bundle. */
export const E2E_COMMIT = "e2e0c0ffee00";

/** One way to run the CLI. */
export interface CliRunner {
  /** `bundle` or `binary <path>`. */
  name: string;
  /** The argv that runs `vmprober ARGS…`. */
  argv(args: string[]): string[];
  /** The version line `vmprober version` must print. */
  versionPattern: RegExp;
}

/** What one CLI run printed. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

let built: Promise<{ dir: string; file: string }> | undefined;

/** The test bundle (built on first use; removed when the test process exits). */
export function testBundle(): Promise<{ dir: string; file: string }> {
  built ??= (async () => {
    const dir = await Deno.makeTempDir({ prefix: "vmprober_e2e_bundle_" });
    globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
    const file = `${dir}/vmprober.js`;
    await bundle({ outfile: file, version: E2E_VERSION, commit: E2E_COMMIT });
    return { dir, file };
  })();
  return built;
}

const HOST_TARGET = `${Deno.build.arch}-unknown-linux-gnu`;

async function compiledBinary(): Promise<string | undefined> {
  const path = Deno.env.get("VMPROBER_E2E_BINARY") ?? `${ROOT}dist/vmprober-${HOST_TARGET}`;
  try {
    return (await Deno.stat(path)).isFile ? path : undefined;
  } catch {
    return undefined;
  }
}

/** The bundle, and the compiled binary when there is one. */
export async function cliRunners(flags?: string[]): Promise<CliRunner[]> {
  const denoFlags = flags ?? await readDenoFlags();
  const { file } = await testBundle();
  const runners: CliRunner[] = [{
    name: "bundle",
    argv: (args) => [Deno.execPath(), "run", ...denoFlags, file, ...args],
    versionPattern: new RegExp(
      `^vmprober ${E2E_VERSION.replaceAll(".", "\\.")} \\(commit ${E2E_COMMIT}, deno ${
        Deno.version.deno.replaceAll(".", "\\.")
      }, ${HOST_TARGET}\\)\n$`,
    ),
  }];
  const binary = await compiledBinary();
  if (binary && flags === undefined) {
    runners.push({
      name: `binary ${binary}`,
      argv: (args) => [binary, ...args],
      versionPattern: /^vmprober \S+ \(commit [0-9a-z]+, deno [0-9.]+, [a-z0-9_-]+\)\n$/,
    });
  }
  return runners;
}

/** Environment for CLI runs: no update check, no inherited VMPROBER_CONFIG. */
export function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: Deno.env.get("HOME") ?? "/",
    DENO_NO_UPDATE_CHECK: "1",
    NO_COLOR: "1",
    ...extra,
  };
}

/** The CLI as a command in `cwd` with {@linkcode cliEnv}, no stdin, stdout/stderr piped. */
function cliCommand(
  runner: CliRunner,
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Deno.Command {
  const [cmd, ...rest] = runner.argv(args);
  return new Deno.Command(cmd!, {
    args: rest,
    cwd: options.cwd,
    env: cliEnv(options.env),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

/** Run the CLI to completion in `cwd` (a directory without deno.json). */
export async function runCli(
  runner: CliRunner,
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<CliRun> {
  const out = await cliCommand(runner, args, options).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Start the CLI as a long-running process (stdout/stderr piped). */
export function spawnCli(
  runner: CliRunner,
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Deno.ChildProcess {
  return cliCommand(runner, args, options).spawn();
}
