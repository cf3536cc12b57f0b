/**
 * @module The one list of permission flags, read from `scripts/deno_flags` (one line) — the file
 * the `cli` and `start` tasks read with `$(cat scripts/deno_flags)`. The build (`deno compile`) and
 * the e2e tests read it through this module, so the binary, the tasks and the tests always agree.
 */

/** Where the flags live, relative to the repository root. */
export const DENO_FLAGS_FILE = new URL("./deno_flags", import.meta.url);

/**
 * Split the text of a flags file into argv entries (whitespace separated, like the shell's
 * `$(cat …)`; lines starting with `#` are ignored).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseDenoFlags("--allow-net  --allow-read\n"), ["--allow-net", "--allow-read"]);
 * ```
 */
export function parseDenoFlags(text: string): string[] {
  const flags = text.split("\n")
    .filter((line) => !line.trimStart().startsWith("#"))
    .join(" ")
    .split(/\s+/)
    .filter((word) => word.length > 0);
  for (const flag of flags) {
    if (!flag.startsWith("--")) {
      throw new SyntaxError(`Cannot read deno flags: "${flag}" is not a --flag`);
    }
  }
  return flags;
}

/** Read the permission (and unstable) flags the binary and the tasks run with. */
export async function readDenoFlags(file: URL = DENO_FLAGS_FILE): Promise<string[]> {
  return parseDenoFlags(await Deno.readTextFile(file));
}
