/** @module Reads a config file and validates it: `loadConfig(path)` → Config or ConfigError. */
import type { Config } from "./schema.ts";
import { ConfigError } from "./config_error.ts";
import { MAX_CONFIG_BYTES, parseConfigSteps } from "./parse.ts";
import { runSliced, runSync, type Steps } from "../base/slices.ts";
import { lineCol } from "./yaml_positions.ts";

/**
 * Loads, parses and validates the config at `path`, in time slices (a reload of a 100,000-target
 * config does not hold up the API); an abort of `signal` ends it at the next slice. Throws
 * ConfigError on any problem.
 */
export async function loadConfig(path: string, signal?: AbortSignal): Promise<Config> {
  return await runSliced(loadConfigSteps(path), { signal });
}

function* loadConfigSteps(path: string): Steps<Config> {
  const text = yield* readConfigSteps(path);
  return yield* parseConfigSteps(text, path);
}

/**
 * Reads a YAML file as the config loader does (a regular file of at most MAX_CONFIG_BYTES, valid
 * UTF-8); rejects with a ConfigError naming `path` at 1:1 (or at the first invalid byte).
 */
export function readConfigText(path: string): Promise<string> {
  try {
    return Promise.resolve(readConfigTextSync(path));
  } catch (e) {
    return Promise.reject(e);
  }
}

/** {@linkcode readConfigText}, synchronous (see readBounded why); throws the ConfigError. */
export function readConfigTextSync(path: string): string {
  return runSync(readConfigSteps(path));
}

/**
 * Bytes decoded between two `yield`s of {@linkcode readConfigSteps}: ~0.5-1.5 ms (a 2.4 MB
 * config in one piece: 4-14 ms).
 */
export const DECODE_BYTES = 256 * 1024;

/**
 * {@linkcode readConfigTextSync} as steps: the file is read in one synchronous call, then
 * decoded {@linkcode DECODE_BYTES} at a time.
 */
export function* readConfigSteps(path: string): Steps<string> {
  const bytes = readBounded(path);
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const parts: string[] = [];
  try {
    for (let i = 0; i < bytes.length; i += DECODE_BYTES) {
      yield;
      parts.push(decoder.decode(bytes.subarray(i, i + DECODE_BYTES), { stream: true }));
    }
    parts.push(decoder.decode());
  } catch {
    // The first replacement character marks the first invalid sequence.
    const lossy = new TextDecoder().decode(bytes);
    throw new ConfigError(path, [{
      ...lineCol(lossy, Math.max(0, lossy.indexOf("\uFFFD"))),
      path: "",
      message: "expected UTF-8 text, got an invalid byte sequence",
    }]);
  }
  return parts.join("");
}

/**
 * Reads at most MAX_CONFIG_BYTES (+1 to notice more) of a regular file, synchronously: Deno's
 * async file calls wait for a thread of a small shared pool, which an agent at 10,000 probes a
 * second keeps busy; one `Deno.stat` of a reload then waited 207 s (a local file of 4 MiB at most
 * reads in a few ms; a FIFO or device is refused by the `stat` before it is opened).
 */
function readBounded(path: string): Uint8Array {
  const cannot = (reason: string): never => {
    throw new ConfigError(path, [{
      line: 1,
      col: 1,
      path: "",
      message: `Cannot read config: ${reason}`,
    }]);
  };
  let file: Deno.FsFile | undefined;
  try {
    const info = Deno.statSync(path);
    if (info.isDirectory) cannot("expected a file, got a directory");
    if (!info.isFile) cannot("expected a regular file");
    if (info.size > MAX_CONFIG_BYTES) {
      cannot(`expected at most ${MAX_CONFIG_BYTES} bytes, got ${info.size}`);
    }
    file = Deno.openSync(path, { read: true });
    const buffer = new Uint8Array(MAX_CONFIG_BYTES + 1);
    let length = 0;
    for (;;) {
      const n = file.readSync(buffer.subarray(length));
      if (n === null) break;
      length += n;
      if (length > MAX_CONFIG_BYTES) cannot(`expected at most ${MAX_CONFIG_BYTES} bytes, got more`);
    }
    return buffer.slice(0, length);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    return cannot(
      e instanceof Deno.errors.NotFound
        ? "no such file"
        : e instanceof Deno.errors.PermissionDenied
        ? "permission denied"
        : (e as Error).message,
    );
  } finally {
    file?.close();
  }
}
