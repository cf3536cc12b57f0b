/**
 * @module A scriptable loopback HTTP/1.1 server for pusher tests, on raw TCP so that it can also
 * hang or drop a connection mid-request. Each request takes the next step of the script; once the
 * script is used up every request gets 204.
 */

/** What the server does with one request. */
export type PushServerStep =
  | { status: number; body?: string; headers?: Record<string, string> }
  | "hang"
  | "reset";

/** One request as received. */
export interface ReceivedRequest {
  method: string;
  path: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: Uint8Array;
  /** The step it got. */
  step: PushServerStep;
}

/** The running server. */
export interface PushServer extends AsyncDisposable {
  readonly url: string;
  readonly requests: ReceivedRequest[];
}

const encoder = new TextEncoder();

function indexOf(buf: Uint8Array, len: number, pattern: number[]): number {
  outer: for (let i = 0; i + pattern.length <= len; i++) {
    for (let j = 0; j < pattern.length; j++) if (buf[i + j] !== pattern[j]) continue outer;
    return i;
  }
  return -1;
}

/** Starts the server on a free loopback port. */
export function startPushServer(script: PushServerStep[] = []): PushServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  const requests: ReceivedRequest[] = [];
  let next = 0;

  async function serve(conn: Deno.Conn): Promise<void> {
    let buf = new Uint8Array(64 * 1024);
    let len = 0;
    const fill = async () => {
      if (len === buf.length) {
        const bigger = new Uint8Array(buf.length * 2);
        bigger.set(buf);
        buf = bigger;
      }
      const n = await conn.read(buf.subarray(len));
      if (n === null) throw new Error("closed");
      len += n;
    };
    try {
      while (true) {
        let end: number;
        while ((end = indexOf(buf, len, [13, 10, 13, 10])) < 0) await fill();
        const head = new TextDecoder().decode(buf.subarray(0, end)).split("\r\n");
        const [method = "", path = ""] = head[0]!.split(" ");
        const headers: Record<string, string> = {};
        for (const line of head.slice(1)) {
          const at = line.indexOf(":");
          headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
        }
        const size = Number(headers["content-length"] ?? 0);
        while (len < end + 4 + size) await fill();
        const body = buf.slice(end + 4, end + 4 + size);
        buf.copyWithin(0, end + 4 + size, len);
        len -= end + 4 + size;
        const step = script[next++] ?? { status: 204 };
        requests.push({ method, path, headers, body, step });
        if (step === "reset") return;
        if (step === "hang") {
          await conn.read(new Uint8Array(1)); // until the client gives up or we close
          return;
        }
        const text = step.body ?? "";
        const extra = Object.entries(step.headers ?? {}).map(([k, v]) => `${k}: ${v}\r\n`).join("");
        await conn.write(encoder.encode(
          `HTTP/1.1 ${step.status} X\r\ncontent-length: ${encoder.encode(text).length}\r\n` +
            `${extra}\r\n${text}`,
        ));
      }
    } catch {
      // client went away
    } finally {
      conns.delete(conn);
      try {
        conn.close();
      } catch { /* already closed */ }
    }
  }

  const serving: Promise<void>[] = [];
  const accepting = (async () => {
    for await (const conn of listener) {
      conns.add(conn);
      serving.push(serve(conn));
    }
  })().catch(() => {});

  const { port } = listener.addr as Deno.NetAddr;
  return {
    url: `http://127.0.0.1:${port}/api/v1/write`,
    requests,
    async [Symbol.asyncDispose]() {
      listener.close();
      for (const c of conns) {
        try {
          c.close();
        } catch { /* already closed */ }
      }
      await accepting;
      await Promise.allSettled(serving);
    },
  };
}
