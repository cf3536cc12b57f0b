/** @module `vmprober import-blackbox FILE`: prints the `probes:` section for a blackbox.yml. */
import { ConfigError } from "../config/config_error.ts";
import { importBlackbox } from "../config/blackbox_import.ts";
import { MAX_CONFIG_BYTES } from "../config/yaml_guard.ts";
import { err, out, parseFlags, UsageError } from "./args.ts";
import { IMPORT_BLACKBOX_HELP } from "./help.ts";

/** Runs the command; returns the exit code (0 ok, 1 bad file or usage). */
export async function importBlackboxCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, {});
  if (values.help) return (out(IMPORT_BLACKBOX_HELP), 0);
  if (positionals.length !== 1) throw new UsageError("expected one FILE (a blackbox.yml)");
  const file = positionals[0]!;
  let text: string;
  try {
    const bytes = await Deno.readFile(file);
    if (bytes.byteLength > MAX_CONFIG_BYTES) {
      err(
        `${file}:1:1: Cannot read blackbox config: expected at most ${MAX_CONFIG_BYTES} bytes, got ${bytes.byteLength}`,
      );
      return 1;
    }
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (e) {
    err(`${file}:1:1: Cannot read blackbox config: ${(e as Error).message}`);
    return 1;
  }
  try {
    out(importBlackbox(text, file).trimEnd());
    return 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      err(e.message);
      return 1;
    }
    throw e;
  }
}
