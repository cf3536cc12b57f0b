/**
 * @module Reads a response body by its framing (Content-Length, chunked, or to the end), decodes
 * gzip/deflate when we asked for it, counts the bytes and keeps at most `keepBytes` of the text
 * for regexes. Past `limit` (decoded bytes, as blackbox_exporter) it stops at once: a 100 MB body
 * is never held, and one over the limit is not read to its end.
 */
import type { BufferedReader } from "./buffered_reader.ts";
import { joinedHeader, type ResponseHead } from "./response_head.ts";

/** What reading the body gave. */
export interface BodyResult {
  /** Decoded bytes read. */
  bytes: number;
  /** The first `keepBytes` of the decoded body, as UTF-8 text. */
  text: string;
}

/** Options of {@linkcode readBody}. */
export interface ReadBodyOptions {
  /** Most decoded bytes; past it a `RangeError`. */
  limit: number;
  /** Decoded bytes kept as text (0: none). */
  keepBytes: number;
  /** Decode Content-Encoding gzip/deflate (we sent Accept-Encoding). */
  decode: boolean;
  /** The request was HEAD (no body whatever the header says). */
  head: boolean;
}

/** Why the body could not be read to its end within the limit. */
export class BodyLimitError extends RangeError {
  override name = "BodyLimitError";
}

/** Hands each raw (still encoded) body chunk to `take`, by the response's framing. */
async function framed(
  reader: BufferedReader,
  head: ResponseHead,
  isHead: boolean,
  take: (chunk: Uint8Array) => void | Promise<void>,
): Promise<void> {
  if (isHead || head.status === 204 || head.status === 304) return;
  const te = joinedHeader(head, "transfer-encoding").toLowerCase();
  if (te !== "" && te.split(",").some((s) => s.trim() === "chunked")) {
    for (;;) {
      const line = await reader.readLine(1024);
      if (line === null) throw new Error("Cannot read body: the server closed inside a chunk");
      const m = CHUNK_SIZE.exec(line.trim());
      if (!m) {
        throw new SyntaxError(
          `Cannot read body: bad chunk size ${JSON.stringify(line.slice(0, 40))}`,
        );
      }
      let left = parseInt(m[1]!, 16);
      if (left === 0) {
        // Trailer fields, up to the empty line (bounded like the head).
        for (let i = 0; i < 200; i++) {
          const t = await reader.readLine(8192);
          if (t === null || t === "") return;
        }
        throw new RangeError("Cannot read body: too many trailer fields");
      }
      while (left > 0) {
        const got = await reader.read(left);
        if (got === null) throw new Error("Cannot read body: the server closed inside a chunk");
        left -= got.length;
        const wait = take(got);
        if (wait) await wait;
      }
      if ((await reader.readLine(2)) !== "") {
        throw new SyntaxError("Cannot read body: no CRLF after a chunk");
      }
    }
  }
  const cl = contentLength(head);
  if (cl !== undefined) {
    if (!DIGITS.test(cl)) {
      throw new SyntaxError(`Cannot read body: bad Content-Length ${JSON.stringify(cl)}`);
    }
    let left = Number(cl);
    while (left > 0) {
      // What came with the head is taken without a read (a small body: no await at all).
      const want = Math.min(left, 64 * 1024);
      const got = reader.buffered(want) ?? await reader.read(want);
      if (got === null) throw new Error(`Cannot read body: the server closed ${left} bytes short`);
      left -= got.length;
      const wait = take(got);
      if (wait) await wait;
    }
    return;
  }
  for (;;) {
    const got = await reader.read(64 * 1024);
    if (got === null) return;
    const wait = take(got);
    if (wait) await wait;
  }
}

const CHUNK_SIZE = /^([0-9a-fA-F]{1,12})(;.*)?$/;
const DIGITS = /^\d{1,15}$/;

/** The one Content-Length (trimmed), undefined without one; throws when values conflict. */
function contentLength(head: ResponseHead): string | undefined {
  let one: string | undefined;
  const all = head.headers;
  for (let i = 0; i < all.length; i++) {
    if (all[i]![0] !== "content-length") continue;
    const value = all[i]![1];
    if (!value.includes(",")) {
      // The common case: one value, already trimmed when the head was read.
      if (one === undefined) one = value;
      else if (one !== value) {
        throw new SyntaxError("Cannot read body: conflicting Content-Length values");
      }
      continue;
    }
    for (let from = 0; from <= value.length;) {
      let comma = value.indexOf(",", from);
      if (comma < 0) comma = value.length;
      const v = value.slice(from, comma).trim();
      from = comma + 1;
      if (one === undefined) one = v;
      else if (one !== v) {
        throw new SyntaxError("Cannot read body: conflicting Content-Length values");
      }
    }
  }
  return one;
}

const utf8 = new TextDecoder();

/** Reads the body; see the module doc. */
export async function readBody(
  reader: BufferedReader,
  head: ResponseHead,
  options: ReadBodyOptions,
): Promise<BodyResult> {
  const encoding = joinedHeader(head, "content-encoding").trim().toLowerCase();
  const format = options.decode && (encoding === "gzip" || encoding === "x-gzip")
    ? "gzip"
    : options.decode && encoding === "deflate"
    ? "deflate"
    : undefined;
  let bytes = 0;
  let kept: Uint8Array[] | undefined;
  let keptBytes = 0;
  const take = (chunk: Uint8Array) => {
    bytes += chunk.length;
    if (bytes > options.limit) {
      throw new BodyLimitError(`Cannot read body: over body_size_limit (${options.limit} bytes)`);
    }
    if (keptBytes < options.keepBytes) {
      const part = chunk.subarray(0, options.keepBytes - keptBytes);
      (kept ??= []).push(part.slice());
      keptBytes += part.length;
    }
  };
  if (!format) {
    await framed(reader, head, options.head, take);
  } else {
    const ds = new DecompressionStream(format);
    const writer = ds.writable.getWriter();
    const out = ds.readable.getReader();
    const pump = (async () => {
      try {
        await framed(
          reader,
          head,
          options.head,
          (chunk) => writer.write(chunk as Uint8Array<ArrayBuffer>),
        );
        await writer.close();
      } catch (e) {
        await writer.abort(e).catch(() => {});
        throw e;
      }
    })();
    pump.catch(() => {});
    try {
      for (;;) {
        const { value, done } = await out.read();
        if (done) break;
        take(value);
      }
      await pump;
    } catch (e) {
      await out.cancel().catch(() => {});
      if (e instanceof BodyLimitError) throw e;
      throw new Error(`Cannot decode ${format} body: ${(e as Error)?.message ?? e}`);
    }
  }
  if (keptBytes === 0) return { bytes, text: "" };
  const all = new Uint8Array(keptBytes);
  let at = 0;
  for (const k of kept!) {
    all.set(k, at);
    at += k.length;
  }
  return { bytes, text: utf8.decode(all) };
}
