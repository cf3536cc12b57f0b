/**
 * @module The batches a destination has sent but maybe not committed: one line
 * `<from> <end> [<end> …] <crc32c hex>` in `push_sent` (`dest_sent.<escaped name>` beside each
 * `dest_position.<name>` with several destinations), written before each request goes out.
 *
 * Why: a batch acknowledged just before a crash, whose position save the crash cut short, is sent
 * again after the restart. Sent again on its own it is harmless (Prometheus refuses or ignores
 * samples it holds); joined with newer records into one bigger request, Prometheus refuses the
 * whole request as `out of order` and the newer samples would be dropped with it. So after a
 * restart the first batches end exactly where the batches in flight before it ended ("stops").
 *
 * The file is written without fsync: it survives a crash of the process, not a power cut (then
 * the agent falls back to the batch limits alone, as without the file).
 */
import { joinPath as join } from "../base/paths.ts";
import { logger } from "../log.ts";
import { crc32c } from "./crc32c.ts";
import { readSmallFile } from "./position.ts";
import { lowerBound, segmentEnd, type WalIndex } from "./wal_index.ts";

/** The file of the one destination (or of an unnamed single one). */
export const SENT_FILE = "push_sent";
/** The prefix of a destination's own file (several destinations). */
export const DEST_SENT_PREFIX = "dest_sent.";
/** At most this many ends are kept (the requests in flight are far fewer). */
const MAX_ENDS = 64;

const log = logger("wal");
const encoder = new TextEncoder();

/** What one sent-file holds: the position when the batches went out, and their ends. */
export interface SentBatches {
  /** Where the oldest of the batches started (the destination's position then). */
  from: number;
  /** Where each batch ended, ascending, all above `from`. */
  ends: number[];
}

function checksum(text: string): string {
  return crc32c(encoder.encode(text)).toString(16).padStart(8, "0");
}

/**
 * The text stored for `sent`.
 *
 * @example
 * ```ts
 * import { formatSent, parseSent } from "./sent_batches.ts";
 * const text = formatSent({ from: 10, ends: [20, 35] });
 * if (parseSent(text)?.ends[1] !== 35) throw new Error(text);
 * ```
 */
export function formatSent(sent: SentBatches): string {
  const digits = [sent.from, ...sent.ends].join(" ");
  return `${digits} ${checksum(digits)}\n`;
}

/** Parses sent-file text; null when it is damaged, out of order or not ours. */
export function parseSent(text: string): SentBatches | null {
  const m = /^(\d{1,16}(?: \d{1,16}){1,64}) ([0-9a-f]{8}) *\n?$/.exec(text);
  if (!m || checksum(m[1]!) !== m[2]) return null;
  const numbers = m[1]!.split(" ").map(Number);
  if (!numbers.every(Number.isSafeInteger)) return null;
  for (let i = 1; i < numbers.length; i++) if (numbers[i]! <= numbers[i - 1]!) return null;
  return { from: numbers[0]!, ends: numbers.slice(1) };
}

/**
 * The bytes written at offset 0 over a file of `oldLength` bytes: the line of `sent`, padded with
 * spaces before its newline to at least `oldLength`. One write then replaces the whole old text
 * and no truncate follows it, so a kill at any moment leaves either the old line or the new one,
 * never a new head on an old tail.
 *
 * @example
 * ```ts
 * import { noteBytes, parseSent } from "./sent_batches.ts";
 * const bytes = noteBytes({ from: 1, ends: [9] }, 40);
 * if (bytes.length !== 40 || parseSent(new TextDecoder().decode(bytes))?.ends[0] !== 9) {
 *   throw new Error("not padded");
 * }
 * ```
 */
export function noteBytes(sent: SentBatches, oldLength: number): Uint8Array {
  const line = formatSent(sent);
  return encoder.encode(line.slice(0, -1).padEnd(oldLength - 1) + "\n");
}

/**
 * Reads `file` of `dir`: the batch boundaries above `position` (ascending; none when the file is
 * missing, damaged or anything but a small regular file). `from` counts as one: the position on
 * disk may lag it (a commit is saved while the next request leaves), and the batches between
 * were acknowledged, so they must not be joined with the first one in flight.
 */
export async function readSentStops(
  dir: string,
  file: string,
  position: number,
): Promise<number[]> {
  const read = await readSmallFile(dir, file, 2048);
  if (read.state !== "ok") {
    if (read.state === "corrupt") {
      log.warn("Ignoring the WAL file {file}: {detail}", { file, detail: read.detail });
    }
    return [];
  }
  const sent = parseSent(new TextDecoder().decode(read.bytes));
  if (!sent) {
    log.warn("Ignoring the WAL file {file}: it does not parse", { file });
    return [];
  }
  return [sent.from, ...sent.ends].filter((end) => end > position);
}

/**
 * Whether `offset` is where a record of `index` starts or a segment ends: only such an offset
 * can be a batch end of this log (a stop elsewhere comes from another log or a lost tail).
 */
export function isRecordBoundary(index: WalIndex, offset: number): boolean {
  for (const s of index.segments) {
    if (offset === segmentEnd(s)) return true;
    if (offset < s.start || offset > segmentEnd(s)) continue;
    return s.offsets[lowerBound(s.offsets, offset)] === offset;
  }
  return false;
}

/**
 * Writes a destination's sent-file before each request; a failure is logged once per run of them.
 * The file is opened once (created anew, so nothing planted at the path is followed) and
 * rewritten in place, padded to its longest line so far (`noteBytes`): rewriting it by name (`writeFileSync`, truncate to 0) costs 1.2-1.5 ms per
 * request on ext4, which starts writing a file truncated to 0 back at its close; in place it is
 * 2-6 µs (test/bench/sent_notes_bench.ts).
 */
export class SentNotes implements Disposable {
  readonly #path: string;
  #file: Deno.FsFile | undefined;
  #length = 0;
  #failing = false;

  constructor(dir: string, file: string) {
    this.#path = join(dir, file);
  }

  /** Records that batches ending at `ends` (ascending) are out, the oldest starting at `from`. */
  note(from: number, ends: readonly number[]): void {
    const kept = ends.length > MAX_ENDS ? ends.slice(ends.length - MAX_ENDS) : ends;
    const first = ends.length > MAX_ENDS ? ends[ends.length - MAX_ENDS - 1]! : from;
    try {
      // Synchronous on purpose: it must be in the page cache before the request leaves.
      const file = this.#file ?? this.#open();
      const bytes = noteBytes({ from: first, ends: [...kept] }, this.#length);
      file.seekSync(0, Deno.SeekMode.Start);
      let done = 0;
      while (done < bytes.length) done += file.writeSync(bytes.subarray(done));
      this.#length = bytes.length;
      this.#failing = false;
    } catch (e) {
      if (this.#failing) return;
      this.#failing = true;
      log.warn("Cannot write the WAL file {path}: {error}", {
        path: this.#path,
        error: e instanceof Error ? e.message : String(e),
      });
    }
  }

  #open(): Deno.FsFile {
    try {
      Deno.removeSync(this.#path);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    this.#file = Deno.openSync(this.#path, { write: true, createNew: true });
    this.#length = 0;
    return this.#file;
  }

  /** Closes the file (what it holds stays for the next start). */
  [Symbol.dispose](): void {
    this.#file?.close();
    this.#file = undefined;
  }
}
