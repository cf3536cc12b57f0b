/** @module Reads a config file and validates it: `loadConfig(path)` → Config or ConfigError. */
import type { Config } from "./schema.ts";
import { ConfigError } from "./config_error.ts";
import { MAX_CONFIG_BYTES, parseConfig } from "./parse.ts";

/** Loads, parses and validates the config at `path`. Throws ConfigError on any problem. */
export async function loadConfig(path: string): Promise<Config> {
  let text: string;
  try {
    const info = await Deno.stat(path);
    if (!info.isFile) throw new Error("not a regular file");
    if (info.size > MAX_CONFIG_BYTES) {
      throw new Error(`file too large: ${info.size} bytes, at most ${MAX_CONFIG_BYTES} accepted`);
    }
    text = await Deno.readTextFile(path);
  } catch (e) {
    const reason = e instanceof Deno.errors.NotFound ? "no such file" : (e as Error).message;
    throw new ConfigError(path, [{
      line: 1,
      col: 1,
      path: "",
      message: `Cannot read config: ${reason}`,
    }]);
  }
  return parseConfig(text, path);
}
