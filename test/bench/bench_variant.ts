/**
 * @module A bench entry with its own environment and V8 flags: `path|NAME=value|V8=--a+--b`, so
 * one bundle can be compared with itself under other settings, interleaved in the same run.
 * `V8=` is no variable: its flags (`+`-separated) are added to the `--v8-flags=` of the binary's.
 */

/** One entry: the bundle, the variables added to the environment, the deno flags to run with. */
export interface BenchVariant {
  path: string;
  env: Record<string, string>;
  flags: string[];
}

/** Parses `entry` against the binary's deno flags `base`. */
export function benchVariant(entry: string, base: readonly string[]): BenchVariant {
  const [path, ...vars] = entry.split("|");
  const env: Record<string, string> = {};
  let v8: string | undefined;
  for (const v of vars) {
    const at = v.indexOf("=");
    if (at <= 0) {
      throw new SyntaxError(`Cannot parse bench entry ${entry}: "${v}" is not NAME=value`);
    }
    if (v.slice(0, at) === "V8") v8 = v.slice(at + 1).split("+").join(",");
    else env[v.slice(0, at)] = v.slice(at + 1);
  }
  const flags = base.map((f) => v8 && f.startsWith("--v8-flags=") ? `${f},${v8}` : f);
  return { path: path!, env, flags };
}
