/**
 * @module Setting a bad file aside: recovery moves a file it cannot use but must not delete (a
 * segment-named file that overlaps the log, a push-position path that is not a small file) into
 * the WAL's `quarantine/` folder, where an operator can look at it. Nothing in there is read again.
 */
import { joinPath as join } from "../base/paths.ts";

/** The folder inside the WAL directory that holds files set aside. */
export const QUARANTINE_DIR = "quarantine";

/**
 * Moves `name` of `dir` into `dir/quarantine/` (as `name`, or `name.1`, `name.2`, … when taken).
 * Returns the path inside `dir` it now has. Throws on I/O errors.
 */
export async function quarantine(dir: string, name: string): Promise<string> {
  const folder = join(dir, QUARANTINE_DIR);
  await Deno.mkdir(folder, { recursive: true });
  for (let n = 0;; n++) {
    const target = n === 0 ? name : `${name}.${n}`;
    try {
      await Deno.lstat(join(folder, target));
      continue;
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    await Deno.rename(join(dir, name), join(folder, target));
    return join(QUARANTINE_DIR, target);
  }
}
