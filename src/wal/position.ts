/**
 * @module The push-position file: one line `<offset> <crc32c hex>`, replaced atomically
 * (write a temporary file, fsync it, rename it over the old one, fsync the directory).
 */
import { joinPath as join } from "../base/paths.ts";
import { crc32c } from "./crc32c.ts";

/** The position file's name inside the WAL directory. */
export const POSITION_FILE = "push_position";
/** The temporary name a new position is written under before the rename. */
export const POSITION_TMP = "push_position.tmp";

const encoder = new TextEncoder();

/** The text stored for `offset`. */
export function formatPosition(offset: number): string {
  const digits = String(offset);
  return `${digits} ${crc32c(encoder.encode(digits)).toString(16).padStart(8, "0")}\n`;
}

/** Parses position-file text; returns null when it is damaged (bad syntax or checksum). */
export function parsePosition(text: string): number | null {
  const m = /^(\d{1,16}) ([0-9a-f]{8})\n?$/.exec(text);
  if (!m) return null;
  const digits = m[1]!;
  if (crc32c(encoder.encode(digits)).toString(16).padStart(8, "0") !== m[2]) return null;
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : null;
}

/** What {@linkcode readPosition} found. */
export type PositionRead =
  | { state: "ok"; offset: number }
  | { state: "missing" }
  | { state: "corrupt"; detail: string };

/** What {@linkcode readSmallFile} found. */
export type SmallFileRead =
  | { state: "ok"; bytes: Uint8Array }
  | { state: "missing" }
  | { state: "corrupt"; detail: string };

/**
 * Reads `file` of `dir` if it is a regular file of at most `maxBytes`. Anything else there (a
 * directory, a symlink, a fifo, a huge file) is `corrupt` and is never opened, so that nothing
 * planted at the path can hang or fail start-up.
 */
export async function readSmallFile(
  dir: string,
  file: string,
  maxBytes: number,
): Promise<SmallFileRead> {
  try {
    const path = join(dir, file);
    const info = await Deno.lstat(path);
    if (!info.isFile || info.size > maxBytes) {
      const kind = info.isSymlink
        ? "a symlink"
        : info.isDirectory
        ? "a directory"
        : info.isFile
        ? `a file of ${info.size} bytes`
        : "a special file";
      return { state: "corrupt", detail: `not a small regular file but ${kind}` };
    }
    return { state: "ok", bytes: await Deno.readFile(path) };
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { state: "missing" };
    return { state: "corrupt", detail: (e as Error).message };
  }
}

/**
 * Reads the position file of `dir` (`file`: a destination's, see destination_positions.ts)
 * without changing anything; anything but a small regular file there is `corrupt`.
 */
export async function readPosition(
  dir: string,
  file: string = POSITION_FILE,
): Promise<PositionRead> {
  const read = await readSmallFile(dir, file, 256);
  if (read.state !== "ok") return read;
  const text = new TextDecoder().decode(read.bytes);
  const offset = parsePosition(text);
  if (offset === null) return { state: "corrupt", detail: `unparsable: ${JSON.stringify(text)}` };
  return { state: "ok", offset };
}

/** Fsyncs a directory so that a rename or a new file in it survives a power cut. */
export async function fsyncDir(dir: string): Promise<void> {
  const d = await Deno.open(dir, { read: true });
  try {
    await d.sync();
  } finally {
    d.close();
  }
}

/**
 * Atomically replaces the position file (`file`, the push position by default) of `dir` with
 * `offset` (tmp → fsync → rename → fsync dir).
 */
export async function writePosition(
  dir: string,
  offset: number,
  file: string = POSITION_FILE,
): Promise<void> {
  const tmp = join(dir, `${file}.tmp`);
  const f = await Deno.open(tmp, { write: true, create: true, truncate: true });
  try {
    const data = encoder.encode(formatPosition(offset));
    let done = 0;
    while (done < data.length) done += await f.write(data.subarray(done));
    await f.sync();
  } finally {
    f.close();
  }
  await Deno.rename(tmp, join(dir, file));
  await fsyncDir(dir);
}

/**
 * Saves a position that keeps moving: a save not started yet writes the newest position when it
 * runs, so commits that arrive while one is queued share it (one tmp+fsync+rename+fsync per burst,
 * not per commit). A failed save goes to `onError`; the next one tries again.
 */
export class PositionSaver {
  #chain: Promise<void> = Promise.resolve();
  #queued = false;

  constructor(
    private readonly dir: string,
    private readonly current: () => number,
    private readonly onError: (e: unknown) => void,
    private readonly file: string = POSITION_FILE,
  ) {}

  /** Resolves once the newest position (as of when the save runs) is on disk or failed. */
  save(): Promise<void> {
    if (this.#queued) return this.#chain;
    this.#queued = true;
    this.#chain = this.#chain.then(async () => {
      this.#queued = false;
      try {
        await writePosition(this.dir, this.current(), this.file);
      } catch (e) {
        this.onError(e);
      }
    });
    return this.#chain;
  }

  /** Resolves when every save asked for so far has ended. */
  settled(): Promise<void> {
    return this.#chain;
  }
}
