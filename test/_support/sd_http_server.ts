/** @module A loopback HTTP SD server for tests, whose behaviour a test switches at will. */

/** What the server answers next. */
export type SdServerMode =
  | { kind: "ok"; body: string }
  | { kind: "status"; status: number }
  | { kind: "garbage" }
  | { kind: "huge"; bytes: number; contentLength: boolean }
  | { kind: "hang" };

/** A running SD server. */
export interface SdHttpServer extends AsyncDisposable {
  readonly url: string;
  mode: SdServerMode;
  /** Request headers seen, in order. */
  readonly requests: Headers[];
  /** Bytes of the last `huge` body handed to the socket. */
  hugePulled: number;
}

/** Starts the server on 127.0.0.1 on a free port. */
export function startSdHttpServer(mode: SdServerMode): SdHttpServer {
  const hangers: (() => void)[] = [];
  const state: SdHttpServer = {
    url: "",
    mode,
    requests: [],
    hugePulled: 0,
    async [Symbol.asyncDispose]() {
      for (const release of hangers.splice(0)) release();
      await server.shutdown();
    },
  };
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (req) => {
      state.requests.push(req.headers);
      const m = state.mode;
      switch (m.kind) {
        case "ok":
          return new Response(m.body, { headers: { "content-type": "application/json" } });
        case "status":
          return new Response("oops", { status: m.status });
        case "garbage":
          return new Response("<html>not json</html>", { status: 200 });
        case "hang":
          return new Promise<Response>((resolve) => {
            hangers.push(() => resolve(new Response("late", { status: 503 })));
          });
        case "huge": {
          state.hugePulled = 0;
          const chunk = new Uint8Array(64 * 1024).fill(0x20);
          const body = new ReadableStream<Uint8Array>({
            pull(controller) {
              if (state.hugePulled >= m.bytes) return controller.close();
              state.hugePulled += chunk.byteLength;
              controller.enqueue(chunk);
            },
          }, { highWaterMark: 0 });
          const headers: Record<string, string> = m.contentLength
            ? { "content-length": String(m.bytes) }
            : {};
          return new Response(body, { headers });
        }
      }
    },
  );
  (state as { url: string }).url = `http://127.0.0.1:${server.addr.port}/sd`;
  return state;
}
