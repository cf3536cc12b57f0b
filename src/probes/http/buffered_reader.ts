/** @module Lines and byte runs over a ByteStream, for the HTTP/1.1 client; every read is bounded. */
import type { ByteStream } from "../byte_stream.ts";

/** A reader with a small look-ahead buffer. */
export interface BufferedReader {
  /** One line without its CRLF (or LF); null at end of stream; throws past `max` bytes. */
  readLine(max: number): Promise<string | null>;
  /** Up to `max` bytes (buffered ones first); null at end of stream. */
  read(max: number): Promise<Uint8Array | null>;
}

/** Wraps `stream`; `onFirstByte` is called when the first bytes arrive. */
export function bufferedReader(stream: ByteStream, onFirstByte?: () => void): BufferedReader {
  let buf = new Uint8Array(0);
  // 16 KiB: a typical response in one or two reads; 64 KiB per probe was a tenth of its CPU in GC.
  const scratch = new Uint8Array(16 * 1024);
  let first = true;
  const fill = async (): Promise<boolean> => {
    const n = await stream.read(scratch);
    if (n === null) return false;
    if (first) {
      first = false;
      onFirstByte?.();
    }
    if (buf.length === 0) {
      buf = scratch.slice(0, n);
      return true;
    }
    const next = new Uint8Array(buf.length + n);
    next.set(buf);
    next.set(scratch.subarray(0, n), buf.length);
    buf = next;
    return true;
  };
  const latin1 = new TextDecoder("latin1");
  return {
    async readLine(max) {
      for (let scanned = 0;;) {
        const lf = buf.indexOf(0x0a, scanned);
        if (lf >= 0) {
          if (lf > max) throw new RangeError(`Cannot read response: a line is over ${max} bytes`);
          const end = lf > 0 && buf[lf - 1] === 0x0d ? lf - 1 : lf;
          const line = latin1.decode(buf.subarray(0, end));
          buf = buf.subarray(lf + 1);
          return line;
        }
        if (buf.length > max) {
          throw new RangeError(`Cannot read response: a line is over ${max} bytes`);
        }
        scanned = buf.length;
        if (!(await fill())) {
          if (buf.length === 0) return null;
          const line = latin1.decode(buf);
          buf = new Uint8Array(0);
          return line;
        }
      }
    },
    async read(max) {
      if (buf.length === 0 && !(await fill())) return null;
      const out = buf.subarray(0, Math.min(max, buf.length));
      buf = buf.subarray(out.length);
      return out;
    },
  };
}
