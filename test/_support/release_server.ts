/**
 * @module A loopback HTTP/1.1 file server for install tests: serves a release folder, records the
 * paths asked for, and can cut a chosen file's body midway (headers promise the whole length, half
 * is sent, then the connection closes) to stage a download that fails midway.
 */

/** The running server. */
export interface ReleaseServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Request paths in arrival order. */
  readonly requests: string[];
  /** Paths (e.g. `/latest/download/SHA256SUMS`) whose body is cut after half. */
  readonly truncate: Set<string>;
}

const encoder = new TextEncoder();

async function readHead(conn: Deno.Conn): Promise<string | undefined> {
  const buf = new Uint8Array(16384);
  let head = "";
  while (!head.includes("\r\n\r\n")) {
    const n = await conn.read(buf.subarray(0));
    if (n === null) return undefined;
    head += new TextDecoder().decode(buf.subarray(0, n));
    if (head.length > 65536) return undefined;
  }
  return head;
}

async function writeAll(conn: Deno.Conn, data: Uint8Array): Promise<void> {
  let off = 0;
  while (off < data.length) off += await conn.write(data.subarray(off));
}

async function handle(conn: Deno.Conn, root: string, server: ReleaseServer): Promise<void> {
  try {
    const head = await readHead(conn);
    if (head === undefined) return;
    const path = decodeURIComponent(head.split(" ")[1] ?? "/");
    server.requests.push(path);
    let body: Uint8Array | undefined;
    if (!path.split("/").includes("..")) {
      body = await Deno.readFile(`${root}${path}`).catch(() => undefined);
    }
    if (body === undefined) {
      const msg = encoder.encode("not found\n");
      await writeAll(
        conn,
        encoder.encode(
          `HTTP/1.1 404 Not Found\r\nContent-Length: ${msg.length}\r\nConnection: close\r\n\r\n`,
        ),
      );
      await writeAll(conn, msg);
      return;
    }
    await writeAll(
      conn,
      encoder.encode(
        `HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n` +
          `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
      ),
    );
    await writeAll(conn, server.truncate.has(path) ? body.subarray(0, body.length >> 1) : body);
  } catch {
    // The client went away; nothing to serve.
  } finally {
    try {
      conn.close();
    } catch {
      // already closed
    }
  }
}

/** Serve `root` on a free loopback port until disposed. */
export function serveRelease(root: string): ReleaseServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const pending = new Set<Promise<void>>();
  const server: ReleaseServer = {
    url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    requests: [],
    truncate: new Set(),
    async [Symbol.asyncDispose]() {
      listener.close();
      await accepting;
      await Promise.all(pending);
    },
  };
  const accepting = (async () => {
    try {
      for await (const conn of listener) {
        const p = handle(conn, root, server).finally(() => pending.delete(p));
        pending.add(p);
      }
    } catch {
      // listener closed
    }
  })();
  return server;
}
