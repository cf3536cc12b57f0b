/** @module Test helper: runs `vmprober wal inspect --json` as a real CLI process from source. */

const FLAGS = Deno.readTextFileSync(new URL("../../scripts/deno_flags", import.meta.url)).trim()
  .split(/\s+/);
const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;
// The deno binary running the tests (not the npm wrapper script, which would not pass on signals).
const DENO = Deno.execPath();

/** Exit code, stdout and stderr of `vmprober ARGS…`. */
export async function runCli(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(DENO, {
    args: ["run", ...FLAGS, MAIN, ...args],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** `vmprober wal inspect --dir DIR --json`, parsed; throws when it does not exit 0. */
export async function inspectJson(dir: string): Promise<Record<string, unknown>> {
  const r = await runCli(["wal", "inspect", "--dir", dir, "--json"]);
  if (r.code !== 0) throw new Error(`Cannot inspect: exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
