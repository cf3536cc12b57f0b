/** @module Lines and byte runs over a ByteStream, for the HTTP/1.1 client; every read is bounded. */
import type { ByteStream } from "../byte_stream.ts";

/** A reader with a small look-ahead buffer. */
export interface BufferedReader {
  /** One line without its CRLF (or LF); null at end of stream; throws past `max` bytes. */
  readLine(max: number): Promise<string | null>;
  /** Up to `max` bytes (buffered ones first); null at end of stream. */
  read(max: number): Promise<Uint8Array | null>;
  /** Up to `max` already buffered bytes, without reading (undefined when none are). */
  buffered(max: number): Uint8Array | undefined;
  /**
   * After one read if nothing is buffered: the buffered text up to and including the first empty
   * line (a whole response head, decoded at once) when it is within `max` bytes, else undefined
   * with nothing taken (read it line by line then).
   */
  bufferedHead(max: number): Promise<string | undefined>;
}

/** Bytes of one read: a typical response in one or two. */
const SCRATCH_BYTES = 16 * 1024;
/**
 * Read buffers shared by every probe: a read borrows one and copies out what arrived, so a
 * thousand probes a second do not each allocate (and the GC free) 16 KiB.
 */
const spare: Uint8Array[] = [];
const MAX_SPARE = 64;
const EMPTY = new Uint8Array(0);
const latin1 = new TextDecoder("latin1");

/** Wraps `stream`; `onFirstByte` is called when the first bytes arrive. */
export function bufferedReader(stream: ByteStream, onFirstByte?: () => void): BufferedReader {
  return new Reader(stream, onFirstByte);
}

/** One object per response (methods on the prototype, not closures per reader). */
class Reader implements BufferedReader {
  // Unread bytes are buf[at, buf.length): an offset instead of a subarray per line.
  private buf = EMPTY;
  private at = 0;
  private first = true;

  constructor(private readonly stream: ByteStream, private readonly onFirstByte?: () => void) {}

  private async fill(): Promise<boolean> {
    const scratch = spare.pop() ?? new Uint8Array(SCRATCH_BYTES);
    let n: number | null;
    try {
      n = await this.stream.read(scratch);
    } catch (e) {
      if (spare.length < MAX_SPARE) spare.push(scratch);
      throw e;
    }
    if (n !== null) {
      if (this.first) {
        this.first = false;
        this.onFirstByte?.();
      }
      const { buf, at } = this;
      if (at === buf.length) {
        this.buf = scratch.slice(0, n);
      } else {
        const next = new Uint8Array(buf.length - at + n);
        next.set(buf.subarray(at));
        next.set(scratch.subarray(0, n), buf.length - at);
        this.buf = next;
      }
      this.at = 0;
    }
    if (spare.length < MAX_SPARE) spare.push(scratch);
    return n !== null;
  }

  async readLine(max: number): Promise<string | null> {
    for (let scanned = this.at;;) {
      const { buf, at } = this;
      const lf = buf.indexOf(0x0a, scanned);
      if (lf >= 0) {
        if (lf - at > max) {
          throw new RangeError(`Cannot read response: a line is over ${max} bytes`);
        }
        const end = lf > at && buf[lf - 1] === 0x0d ? lf - 1 : lf;
        const line = end === at ? "" : latin1.decode(buf.subarray(at, end));
        this.at = lf + 1;
        return line;
      }
      if (buf.length - at > max) {
        throw new RangeError(`Cannot read response: a line is over ${max} bytes`);
      }
      scanned = buf.length - at;
      if (!(await this.fill())) {
        if (this.at === this.buf.length) return null;
        const line = latin1.decode(this.buf.subarray(this.at));
        this.buf = EMPTY;
        this.at = 0;
        return line;
      }
      scanned += this.at;
    }
  }

  async bufferedHead(max: number): Promise<string | undefined> {
    if (this.at === this.buf.length && !(await this.fill())) return undefined;
    const { buf, at } = this;
    const limit = Math.min(buf.length, at + max);
    for (let lf = buf.indexOf(0x0a, at); lf >= 0 && lf < limit; lf = buf.indexOf(0x0a, lf + 1)) {
      const next = buf[lf + 1];
      const end = next === 0x0a ? lf + 2 : next === 0x0d && buf[lf + 2] === 0x0a ? lf + 3 : -1;
      if (end < 0) continue;
      if (end > limit) return undefined;
      const text = latin1.decode(buf.subarray(at, end));
      this.at = end;
      return text;
    }
    return undefined;
  }

  buffered(max: number): Uint8Array | undefined {
    const { buf, at } = this;
    if (at === buf.length) return undefined;
    const end = Math.min(at + max, buf.length);
    this.at = end;
    return buf.subarray(at, end);
  }

  async read(max: number): Promise<Uint8Array | null> {
    if (this.at === this.buf.length && !(await this.fill())) return null;
    return this.buffered(max)!;
  }
}
