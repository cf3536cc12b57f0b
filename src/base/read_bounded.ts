/**
 * @module Reading a local file the agent reads while it runs (a `file_sd` file, `/etc/hosts`, a
 * secret or CA file) with synchronous calls, bounded in size. Deno's async file calls wait for a
 * thread of a small shared pool; when something holds every thread (measured: 256 opens of FIFOs
 * without a writer; in production an agent at 10,000 probes a second), an async `Deno.stat` or
 * `read` waits as long: a config reload once waited 207 s, and every hostname lookup waits while
 * the resolver re-reads `/etc/hosts`. A local regular file reads synchronously in well under a
 * millisecond per MiB. Anything but a regular file (a FIFO or a device would block a synchronous
 * read) is refused by the `stat` before it is opened. Big files read in steps of
 * {@linkcode CHUNK_BYTES}, so a sliced caller gives the event loop a turn between them.
 */
import { runSync, type Steps } from "./slices.ts";

/** Bytes read per step. */
export const CHUNK_BYTES = 1024 * 1024;

/** Why a bounded read failed; `message` says it for a log or an API answer. */
export class FileReadError extends Error {
  constructor(
    readonly reason: "not_found" | "permission" | "not_regular" | "too_large" | "io",
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "FileReadError";
  }
}

/**
 * The bytes of the regular file at `path`, at most `maxBytes`, as steps (a `yield` after each
 * chunk); throws a {@linkcode FileReadError}.
 */
export function* readBoundedSteps(path: string, maxBytes: number): Steps<Uint8Array> {
  const tooLarge = (got: string) =>
    new FileReadError("too_large", `expected at most ${maxBytes} bytes, got ${got}`);
  let file: Deno.FsFile | undefined;
  try {
    const info = Deno.statSync(path);
    if (info.isDirectory) {
      throw new FileReadError("not_regular", "expected a file, got a directory");
    }
    if (!info.isFile) throw new FileReadError("not_regular", "expected a regular file");
    if (info.size > maxBytes) throw tooLarge(String(info.size));
    file = Deno.openSync(path, { read: true });
    // Room for the stat's size and one byte more, to notice a file that grew after the stat
    // (then the buffer grows, up to one byte past the bound).
    let buffer = new Uint8Array(Math.min(maxBytes, info.size) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > maxBytes) throw tooLarge("more");
        const grown = new Uint8Array(Math.min(maxBytes + 1, 2 * buffer.length));
        grown.set(buffer);
        buffer = grown;
      }
      const end = Math.min(buffer.length, length + CHUNK_BYTES);
      const n = file.readSync(buffer.subarray(length, end));
      if (n === null) break;
      length += n;
      if (length > maxBytes) throw tooLarge("more");
      yield;
    }
    return buffer.slice(0, length);
  } catch (e) {
    if (e instanceof FileReadError) throw e;
    if (e instanceof Deno.errors.NotFound) {
      throw new FileReadError("not_found", "no such file", { cause: e });
    }
    if (e instanceof Deno.errors.PermissionDenied || e instanceof Deno.errors.NotCapable) {
      throw new FileReadError("permission", "permission denied", { cause: e });
    }
    throw new FileReadError("io", (e as Error).message, { cause: e });
  } finally {
    file?.close();
  }
}

/**
 * {@linkcode readBoundedSteps} in one go, for small files.
 *
 * @example
 * ```ts
 * import { readBoundedSync } from "./read_bounded.ts";
 * const path = Deno.makeTempFileSync();
 * Deno.writeTextFileSync(path, "abc");
 * if (new TextDecoder().decode(readBoundedSync(path, 10)) !== "abc") throw new Error();
 * ```
 */
export function readBoundedSync(path: string, maxBytes: number): Uint8Array {
  return runSync(readBoundedSteps(path, maxBytes));
}

/** {@linkcode readBoundedSync} decoded as UTF-8 (invalid bytes become U+FFFD). */
export function readTextBoundedSync(path: string, maxBytes: number): string {
  return new TextDecoder().decode(readBoundedSync(path, maxBytes));
}
