/**
 * @module Loopback HTTP(S) servers for the HTTP probe's tests: a Deno.serve app with 200, 301
 * chains, 404, 500, a slow body, a 100 MB streamed body, gzip, auth and headers; and a raw TCP
 * server that answers any bytes it is given (hostile heads a real server would never send).
 */

/** A running server; dispose to stop it. */
export interface TestHttpServer extends AsyncDisposable {
  port: number;
  url: string;
  /** Bytes of body the server has sent for /big (streamed, never held). */
  bigBytesSent: () => number;
  /** Requests seen, as "METHOD /path". */
  log: string[];
  /** The last request's headers. */
  lastHeaders?: Headers;
}

const BIG = 100 * 1024 * 1024;

/** Starts the app on 127.0.0.1; with `tls`, over HTTPS. */
export function startHttpServer(tls?: { cert: string; key: string }): TestHttpServer {
  let bigSent = 0;
  const log: string[] = [];
  const state: { lastHeaders?: Headers } = {};
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const handler = async (req: Request): Promise<Response> => {
    const u = new URL(req.url);
    log.push(`${req.method} ${u.pathname}`);
    state.lastHeaders = req.headers;
    const p = u.pathname;
    let m: RegExpExecArray | null;
    if (p === "/ok") {
      return new Response("hello world", {
        headers: { "last-modified": "Tue, 01 Dec 2026 10:00:00 GMT", "x-test": "yes" },
      });
    }
    if ((m = /^\/redirect\/(\d+)$/.exec(p))) {
      const n = Number(m[1]);
      return new Response(null, {
        status: 301,
        headers: { location: n > 1 ? `/redirect/${n - 1}` : "/ok" },
      });
    }
    if (p === "/loop") return new Response(null, { status: 302, headers: { location: "/loop" } });
    if (p === "/see-other") {
      return new Response(null, { status: 303, headers: { location: "/echo" } });
    }
    if (p === "/404") return new Response("not here", { status: 404 });
    if (p === "/500") return new Response("boom", { status: 500 });
    if (p === "/echo") {
      return new Response(`${req.method} ${await req.text()}`);
    }
    if (p === "/auth") {
      const a = req.headers.get("authorization");
      return a === "Basic dXNlcjpzM2NyZXQ=" || a === "Bearer t0ken"
        ? new Response("welcome")
        : new Response("who?", { status: 401 });
    }
    if (p === "/gzip") {
      const plain = new TextEncoder().encode("compressible ".repeat(1000));
      const gz = await new Response(
        new Blob([plain]).stream().pipeThrough(new CompressionStream("gzip")),
      ).arrayBuffer();
      return new Response(gz, { headers: { "content-encoding": "gzip" } });
    }
    if (p === "/slow") {
      let n = 0;
      return new Response(
        new ReadableStream({
          pull: (c) =>
            new Promise<void>((done) => {
              const t = setTimeout(() => {
                timers.delete(t);
                if (n++ < 10) c.enqueue(new TextEncoder().encode("tick\n"));
                else c.close();
                done();
              }, 200);
              timers.add(t);
            }),
        }),
      );
    }
    if (p === "/big") {
      const chunk = new Uint8Array(64 * 1024).fill(0x61);
      return new Response(
        new ReadableStream({
          pull(c) {
            if (bigSent >= BIG) return c.close();
            bigSent += chunk.length;
            c.enqueue(chunk);
          },
        }),
        { headers: { "content-length": String(BIG) } },
      );
    }
    return new Response("no route", { status: 404 });
  };
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: () => {},
    ...(tls ? { cert: tls.cert, key: tls.key } : {}),
  }, handler);
  const port = server.addr.port;
  return {
    port,
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    bigBytesSent: () => bigSent,
    log,
    get lastHeaders() {
      return state.lastHeaders;
    },
    async [Symbol.asyncDispose]() {
      for (const t of timers) clearTimeout(t);
      await server.shutdown();
    },
  };
}

/** A TCP server that reads a request head and answers `response` (bytes or text), then closes. */
export function startRawHttpServer(response: string | Uint8Array): TestHttpServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const bytes = typeof response === "string" ? new TextEncoder().encode(response) : response;
  const log: string[] = [];
  const conns = new Set<Deno.Conn>();
  const loop = (async () => {
    for (;;) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch {
        return;
      }
      conns.add(conn);
      (async () => {
        try {
          const buf = new Uint8Array(8192);
          const n = await conn.read(buf);
          log.push(new TextDecoder().decode(buf.subarray(0, n ?? 0)).split("\r\n")[0]!);
          for (let off = 0; off < bytes.length;) off += await conn.write(bytes.subarray(off));
        } catch {
          /* the client went away */
        } finally {
          conns.delete(conn);
          try {
            conn.close();
          } catch { /* closed */ }
        }
      })();
    }
  })();
  const port = (listener.addr as Deno.NetAddr).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    bigBytesSent: () => 0,
    log,
    async [Symbol.asyncDispose]() {
      listener.close();
      for (const c of conns) {
        try {
          c.close();
        } catch { /* closed */ }
      }
      await loop;
    },
  };
}
