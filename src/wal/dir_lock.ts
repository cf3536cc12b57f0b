/**
 * @module One agent per WAL directory: an advisory exclusive lock (flock) on `DIR/lock`, held for
 * as long as the WAL is open. The kernel drops it when the holder exits, however it exits, so a
 * lock left by a killed agent never blocks the next one; the file keeps the holder's pid for the
 * message a second agent prints. `wal inspect` reads without it.
 */
import { joinPath as join } from "../base/paths.ts";
import { quarantine } from "./quarantine.ts";

/** The lock file's name inside the WAL directory. */
export const LOCK_FILE = "lock";

/** A held lock; disposing releases it. */
export interface DirLock extends AsyncDisposable {
  readonly path: string;
}

/**
 * Takes the lock of `dir` without waiting. Throws an `Error` naming `dir` and the holder's pid when
 * another process holds it. Something other than a regular file at the path is set aside first.
 */
export async function lockWalDir(dir: string): Promise<DirLock> {
  const path = join(dir, LOCK_FILE);
  const info = await Deno.lstat(path).catch((e) => {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  });
  if (info && !info.isFile) await quarantine(dir, LOCK_FILE);
  const file = await Deno.open(path, { read: true, write: true, create: true });
  let held = false;
  try {
    if (!await file.tryLock(true)) {
      const holder = (await Deno.readTextFile(path).catch(() => "")).trim();
      const pid = /^\d{1,10}$/.test(holder) ? `pid ${holder}` : "pid unknown";
      throw new Error(`Cannot lock the WAL directory ${dir}: another vmprober holds it (${pid})`);
    }
    held = true;
    await file.truncate(0);
    const bytes = new TextEncoder().encode(`${Deno.pid}\n`);
    let done = 0;
    while (done < bytes.length) done += await file.write(bytes.subarray(done));
  } finally {
    if (!held) file.close();
  }
  return {
    path,
    async [Symbol.asyncDispose]() {
      await file.unlock().catch(() => {});
      file.close();
    },
  };
}
