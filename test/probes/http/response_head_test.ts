import assert from "node:assert/strict";
import { bufferedReader } from "../../../src/probes/http/buffered_reader.ts";
import { readResponseHead } from "../../../src/probes/http/response_head.ts";
import type { ByteStream } from "../../../src/probes/byte_stream.ts";

/** A stream giving `bytes` in reads of at most `step` bytes. */
function streamOf(bytes: Uint8Array, step: number): ByteStream {
  let at = 0;
  return {
    write: () => Promise.resolve(),
    read(buf) {
      if (at >= bytes.length) return Promise.resolve(null);
      const n = Math.min(step, buf.length, bytes.length - at);
      buf.set(bytes.subarray(at, at + n));
      at += n;
      return Promise.resolve(n);
    },
    close() {},
  };
}

const outcome = async (text: string, step: number) => {
  const reader = bufferedReader(streamOf(new TextEncoder().encode(text), step));
  try {
    const head = await readResponseHead(reader);
    let rest = "";
    for (let chunk; (chunk = await reader.read(1000)) !== null;) {
      rest += new TextDecoder().decode(chunk);
    }
    return { head, rest };
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` };
  }
};

Deno.test("readResponseHead() gives the same head, rest or error whole or byte by byte", async () => {
  const heads = [
    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-A: b\r\n\r\nok",
    "HTTP/1.0 404 Not Found\nServer: x\n\nbody",
    "HTTP/1.1 200 OK\n\nbody\r\n\r\nmore",
    "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nA: 1\r\n\r\n",
    "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
    "HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n",
    "HTTP/1.1 OK\r\n\r\n",
    "\r\n\r\n",
    "HTTP/1.1 200 OK\r\nX: 1\r\n",
    `HTTP/1.1 200 OK\r\n${"X-A: 1\r\n".repeat(201)}\r\n`,
    `HTTP/1.1 200 OK\r\nX-Big: ${"a".repeat(70_000)}\r\n\r\n`,
  ];
  for (const h of heads) {
    const whole = await outcome(h, 1 << 20);
    const bytewise = await outcome(h, 1);
    assert.deepEqual(whole, bytewise, JSON.stringify(h.slice(0, 60)));
  }
  // And the whole-head path was taken where it could be: same result as the byte-wise one above.
  assert.deepEqual((await outcome(heads[0]!, 1 << 20)).rest, "ok");
});
