import assert from "node:assert/strict";
import { bufferedReader } from "../../../src/probes/http/buffered_reader.ts";
import { readResponseHead, statusLine } from "../../../src/probes/http/response_head.ts";
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

Deno.test("statusLine() takes exactly the lines the status-line regex takes (seeded fuzz)", () => {
  const re = /^(HTTP\/1\.[01]) ([1-9]\d\d)(?: .*)?$/;
  const parts = ["HTTP/1.", "0", "1", "2", " ", "200", "099", "1000", "OK", "\r", "\n", "x", ""];
  let seed = 15;
  const rand = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
  const lines = ["HTTP/1.1 200", "HTTP/1.0 404 Not Found", "HTTP/1.1 200 ", "HTTP/1.1 2000"];
  for (let i = 0; i < 20_000; i++) {
    let l = "";
    for (let k = rand(7); k >= 0; k--) l += parts[rand(parts.length)];
    lines.push(rand(2) ? `HTTP/1.${rand(3)} ${rand(1100)}${l}` : l);
  }
  for (const line of lines) {
    const m = re.exec(line);
    const want = m ? { version: m[1], status: Number(m[2]) } : undefined;
    assert.deepEqual(statusLine(line), want, JSON.stringify(line));
  }
});
