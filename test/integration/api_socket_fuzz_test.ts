/**
 * Malformed and hostile HTTP on a real socket to the real agent: each case gets an HTTP answer
 * with an expected status or a closed connection, within 5 s, and the agent keeps serving.
 */
import assert from "node:assert/strict";
import { startAgentProcess, writeConfig } from "../_support/agent_process.ts";
import { tempDir } from "../_support/temp_dir.ts";

const enc = new TextEncoder();
const GET = (path: string, extra = "") => `GET ${path} HTTP/1.1\r\nHost: x\r\n${extra}\r\n`;

/** Sends `bytes`, reads until the server closes or `waitMs` passes; returns the status lines. */
async function exchange(port: number, bytes: Uint8Array, waitMs = 1500): Promise<string[]> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  let received = "";
  try {
    await conn.write(bytes).catch(() => {}); // the server may close before taking it all
    const buf = new Uint8Array(65536);
    const end = Date.now() + waitMs;
    while (Date.now() < end) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const n = await Promise.race([
        conn.read(buf).catch(() => null),
        new Promise<"wait">((r) => (timer = setTimeout(() => r("wait"), end - Date.now()))),
      ]).finally(() => clearTimeout(timer));
      if (n === null || n === "wait") break;
      received += new TextDecoder().decode(buf.subarray(0, n));
    }
  } finally {
    conn.close();
  }
  return received.match(/^HTTP\/1\.[01] \d{3}/gm) ?? [];
}

/** Each case: what to send, and the status sequences it may get ([] = closed, or no answer). */
const CASES: { name: string; send: string | Uint8Array; answers: string[][] }[] = [
  {
    name: "binary garbage",
    send: Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256),
    answers: [["400"]],
  },
  { name: "no HTTP version", send: "GET /metrics\r\n\r\n", answers: [["400"]] },
  {
    name: "HTTP/9.9",
    send: "GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n",
    answers: [["400"], ["505"]],
  },
  {
    name: "a 100 KB header",
    send: GET("/healthz", `X-Big: ${"a".repeat(100_000)}\r\n`),
    answers: [["431"], ["400"]],
  },
  {
    name: "1,000 headers",
    send: GET("/healthz", Array.from({ length: 1000 }, (_, i) => `X-${i}: v\r\n`).join("")),
    answers: [["431"], ["400"], ["200"]],
  },
  {
    name: "bad method characters",
    send: GET("/healthz").replace("GET", "G@T"),
    answers: [["400"]],
  },
  {
    name: "three pipelined requests",
    send: GET("/healthz") + GET("/readyz") + GET("/nope"),
    answers: [["200", "200", "404"]],
  },
  {
    name: "a body shorter than its Content-Length",
    send: "POST /-/reload HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc",
    answers: [["200"]], // the route does not read the body: it answers at once
  },
  {
    name: "a bad chunk size",
    send: "POST /-/reload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    answers: [["200"], ["400"], []], // answered, refused, or the rest awaited
  },
  {
    name: "negative Content-Length",
    send: GET("/healthz", "Content-Length: -1\r\n"),
    answers: [["400"]],
  },
  { name: "dot segments", send: GET("/../../etc/passwd"), answers: [["404"], ["400"]] },
  { name: "absolute-form target", send: GET("http://evil.example/healthz"), answers: [["200"]] },
  { name: "a NUL in the path", send: GET("/heal\u0000thz"), answers: [["400"], ["404"]] },
  { name: "a request cut in its headers", send: "GET /healthz HTTP/1.1\r\nHo", answers: [[]] },
  {
    name: "ten HEAD /metrics (no scrape slot kept)",
    send: Array.from({ length: 10 }, () => GET("/metrics").replace("GET", "HEAD")).join(""),
    answers: [Array(10).fill("200")],
  },
];

Deno.test("agent run: malformed HTTP on a real socket gets an expected answer or a close, and serving goes on", async () => {
  await using wal = await tempDir();
  const config = await writeConfig(`
agent: {listen: "127.0.0.1:0", log: {format: json}, max_scrapes: 2}
probes: {tcp: {type: tcp, port: 1}}
wal: {dir: ${wal.path}}
`);
  await using agent = await startAgentProcess(config);
  const port = Number(new URL(agent.url).port);
  for (const c of CASES) {
    const statuses = await exchange(port, typeof c.send === "string" ? enc.encode(c.send) : c.send);
    const codes = statuses.map((s) => s.slice(-3));
    assert.ok(
      c.answers.some((a) => a.join() === codes.join()),
      `${c.name}: got [${codes}], expected one of ${JSON.stringify(c.answers)}`,
    );
    assert.equal((await agent.get("/healthz")).status, 200, `after ${c.name}`);
  }
  // Still whole: a page for every scraper up to max_scrapes, and the process never restarted.
  for (let i = 0; i < 3; i++) assert.equal((await agent.get("/metrics")).status, 200);
  assert.equal(await agent.stop(), 0);
});
