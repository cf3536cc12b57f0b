/**
 * @module The flag lists `v8_flags_bench.ts` compares: the shipped list split into its V8 flags and
 * the rest, and candidate variants written as edits of the shipped V8 flags.
 */

/** The deno flags without `--v8-flags=…`, and the V8 flags it held (comma separated). */
export function splitV8Flags(flags: string[]): { rest: string[]; v8: string[] } {
  const i = flags.findIndex((f) => f.startsWith("--v8-flags="));
  if (i < 0) return { rest: flags, v8: [] };
  return {
    rest: flags.filter((_, j) => j !== i),
    v8: flags[i]!.slice("--v8-flags=".length).split(",").filter((f) => f.length > 0),
  };
}

const nameOf = (flag: string) => flag.split("=")[0]!;

/**
 * The shipped V8 flags with `edits` applied in order: `-name` removes `--name` (any value),
 * `--name=value` replaces the flag of that name (or adds it), `--name` adds it when absent.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(
 *   applyV8Edits(["--a", "--b=2"], ["--b=1", "-a", "--c"]),
 *   ["--b=1", "--c"],
 * );
 * ```
 */
export function applyV8Edits(v8: string[], edits: string[]): string[] {
  let out = [...v8];
  for (const edit of edits) {
    if (edit.startsWith("-") && !edit.startsWith("--")) {
      const name = nameOf(`-${edit}`);
      out = out.filter((f) => nameOf(f) !== name);
      continue;
    }
    if (!edit.startsWith("--")) throw new SyntaxError(`Cannot read V8 flag edit "${edit}"`);
    const at = out.findIndex((f) => nameOf(f) === nameOf(edit));
    if (at < 0) out.push(edit);
    else out[at] = edit;
  }
  return out;
}

/** Reads `name=edit,edit;name=edit` into named edit lists. */
export function parseCandidates(text: string): [string, string[]][] {
  return text.split(";").map((s) => s.trim()).filter((s) => s.length > 0).map((s) => {
    const at = s.indexOf("=");
    if (at <= 0) throw new SyntaxError(`Cannot read candidate "${s}": expected name=flag,flag`);
    const edits = s.slice(at + 1).split(",").map((e) => e.trim()).filter((e) => e.length > 0);
    if (edits.length === 0) throw new SyntaxError(`Cannot read candidate "${s}": no flags`);
    return [s.slice(0, at).trim(), edits];
  });
}
