/**
 * @module The status line and header fields of an HTTP/1.x response, read with limits (64 KiB of
 * header in all, 200 fields): a hostile server gets a clear error, never unbounded memory.
 */
import type { BufferedReader } from "./buffered_reader.ts";

/** Most bytes of the response head (status line and fields). */
export const MAX_HEAD_BYTES = 64 * 1024;
/** Most header fields. */
export const MAX_FIELDS = 200;

/** A parsed response head; field names in lower case, in order. */
export interface ResponseHead {
  version: "HTTP/1.0" | "HTTP/1.1";
  status: number;
  headers: [string, string][];
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/**
 * `HTTP/1.x NNN[ reason]` (x 0 or 1, NNN 100-999): the version and status, else undefined. By hand,
 * not a regex match (no match array per response); the same lines as
 * `/^(HTTP\/1\.[01]) ([1-9]\d\d)(?: .*)?$/` (the reason may hold anything but a line end).
 */
export function statusLine(
  line: string,
): { version: ResponseHead["version"]; status: number } | undefined {
  if (line.length < 12 || !line.startsWith("HTTP/1.") || line.charCodeAt(8) !== 0x20) return;
  const minor = line.charCodeAt(7);
  if (minor !== 0x30 && minor !== 0x31) return;
  const d = (i: number) => line.charCodeAt(i) - 0x30;
  const a = d(9), b = d(10), c = d(11);
  if (!(a >= 1 && a <= 9 && b >= 0 && b <= 9 && c >= 0 && c <= 9)) return;
  if (line.length > 12 && (line.charCodeAt(12) !== 0x20 || line.includes("\r", 13))) return;
  return { version: minor === 0x30 ? "HTTP/1.0" : "HTTP/1.1", status: a * 100 + b * 10 + c };
}
const CONTROL = /[\0\r]/;

/** Reads a head, skipping interim 1xx responses (100 Continue). */
export async function readResponseHead(reader: BufferedReader): Promise<ResponseHead> {
  let budget = MAX_HEAD_BYTES;
  // A head that came whole is split from one string; else it is read line by line. Both give the
  // same lines (LF ends a line, one CR before it is dropped) and so the same checks and errors.
  let text: string | undefined;
  let pos = 0;
  const take = (): string => {
    const lf = text!.indexOf("\n", pos);
    const end = lf > pos && text!.charCodeAt(lf - 1) === 0x0d ? lf - 1 : lf;
    const line = text!.slice(pos, end);
    pos = lf + 1;
    if (pos >= text!.length) text = undefined;
    return line;
  };
  for (;;) {
    if (text === undefined) {
      text = await reader.bufferedHead(budget);
      pos = 0;
    }
    const line = text !== undefined ? take() : await reader.readLine(budget);
    if (line === null) {
      throw new Error("Cannot read response: the server closed without a status line");
    }
    budget -= line.length + 2;
    const m = statusLine(line);
    if (!m) {
      throw new SyntaxError(
        `Cannot read response: bad status line ${JSON.stringify(line.slice(0, 80))}`,
      );
    }
    const headers: [string, string][] = [];
    for (;;) {
      if (budget <= 0) {
        throw new RangeError(`Cannot read response: header over ${MAX_HEAD_BYTES} bytes`);
      }
      const field = text !== undefined ? take() : await reader.readLine(budget);
      if (field === null) {
        throw new Error("Cannot read response: the server closed inside the header");
      }
      budget -= field.length + 2;
      if (field === "") break;
      if (headers.length >= MAX_FIELDS) {
        throw new RangeError(`Cannot read response: more than ${MAX_FIELDS} header fields`);
      }
      const colon = field.indexOf(":");
      const name = colon > 0 ? field.slice(0, colon) : "";
      if (!TOKEN.test(name)) {
        throw new SyntaxError(
          `Cannot read response: bad header field ${JSON.stringify(field.slice(0, 80))}`,
        );
      }
      const value = field.slice(colon + 1).trim();
      if (CONTROL.test(value)) {
        throw new SyntaxError(`Cannot read response: control characters in header ${name}`);
      }
      headers.push([name.toLowerCase(), value]);
    }
    const status = m.status;
    if (status >= 100 && status < 200 && status !== 101) continue; // interim response
    return { version: m.version, status, headers };
  }
}

/** Every value of a header (`name` in lower case). */
export function headerValues(head: ResponseHead, name: string): string[] {
  return head.headers.filter(([n]) => n === name).map(([, v]) => v);
}

/** The first value of a header (`name` in lower case), without building a list. */
export function firstHeader(head: ResponseHead, name: string): string | undefined {
  const all = head.headers;
  for (let i = 0; i < all.length; i++) if (all[i]![0] === name) return all[i]![1];
  return undefined;
}

/** Every value of a header joined by `sep` ("" when absent), without building a list. */
export function joinedHeader(head: ResponseHead, name: string, sep = ","): string {
  let out: string | undefined;
  const all = head.headers;
  for (let i = 0; i < all.length; i++) {
    const h = all[i]!;
    if (h[0] === name) out = out === undefined ? h[1] : out + sep + h[1];
  }
  return out ?? "";
}
