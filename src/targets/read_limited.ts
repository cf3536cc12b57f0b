/** @module Reading a byte stream up to a bound, rejecting (not buffering) anything larger. */
import { SourceError } from "./source_error.ts";

/**
 * Reads `stream` to its end into one buffer. As soon as more than `maxBytes` arrive the stream is
 * cancelled and a `too_large` {@linkcode SourceError} thrown, so memory stays under the bound.
 * Aborting `signal` cancels the stream and rejects with the signal's reason.
 */
export async function readLimited(
  stream: ReadableStream<Uint8Array>,
  maxBytes: number,
  what = "body",
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const reader = stream.getReader();
  const onAbort = () => reader.cancel(signal?.reason).catch(() => {});
  signal?.addEventListener("abort", onAbort, { once: true });
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw new SourceError("too_large", `${what} exceeds the limit of ${maxBytes} bytes`);
      }
      chunks.push(value);
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    reader.releaseLock();
  }
  signal?.throwIfAborted();
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
