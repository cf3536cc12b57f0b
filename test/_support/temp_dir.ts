/** @module A temporary directory for one test body, removed with everything in it afterwards. */

/**
 * Runs `fn` on a fresh temporary directory (its real path with `realPath`, for code that
 * compares resolved paths) and removes it afterwards, whether `fn` passed or threw.
 */
export async function withTempDir<T>(
  fn: (dir: string) => Promise<T>,
  options: { prefix?: string; realPath?: boolean } = {},
): Promise<T> {
  const made = await Deno.makeTempDir({ prefix: options.prefix });
  const dir = options.realPath ? await Deno.realPath(made) : made;
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A temporary directory that `await using` removes with everything in it. */
export interface TempDir extends AsyncDisposable {
  readonly path: string;
}

/**
 * Makes a temporary directory; declare it before the agent or server using it, so that one is
 * stopped first and the directory removed last.
 */
export async function tempDir(options: { prefix?: string } = {}): Promise<TempDir> {
  const path = await Deno.makeTempDir({ prefix: options.prefix });
  return {
    path,
    [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }).catch(() => {}),
  };
}

const removeAtExit: string[] = [];

/**
 * Makes a temporary directory that is removed when this process exits (the `unload` event), for
 * helpers that hand a path to callers who never clean up after it.
 */
export async function tempDirUntilExit(options: { prefix?: string } = {}): Promise<string> {
  const path = await Deno.makeTempDir({ prefix: options.prefix });
  if (removeAtExit.length === 0) {
    globalThis.addEventListener("unload", () => {
      for (const dir of removeAtExit) {
        try {
          Deno.removeSync(dir, { recursive: true });
        } catch { /* already gone */ }
      }
    });
  }
  removeAtExit.push(path);
  return path;
}
