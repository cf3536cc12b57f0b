/**
 * @module A loopback HTTP SD server that answers conditional requests like a real one: 200 with
 * `ETag` and `Last-Modified`, 304 when `If-None-Match` (or, without it, `If-Modified-Since`)
 * matches the current body's validators. It records every request's path and headers.
 */

/** One request as received. */
export interface SdRequest {
  path: string;
  headers: Headers;
  status: number;
}

/** The running server; set `body` to change the answer (a new ETag and Last-Modified). */
export interface SdConditionalServer extends AsyncDisposable {
  readonly url: string;
  readonly requests: SdRequest[];
  body: string;
  /** Send validators at all (false: a server without caching support). */
  validators: { etag: boolean; lastModified: boolean };
}

/** Starts the server on 127.0.0.1 on a free port. */
export function startSdConditionalServer(body: string): SdConditionalServer {
  let version = 0;
  let current = "";
  const stamp = () => new Date(Date.UTC(2026, 0, 1, 0, 0, version)).toUTCString();
  const state = {
    url: "",
    requests: [] as SdRequest[],
    body,
    validators: { etag: true, lastModified: true },
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    if (state.body !== current) {
      current = state.body;
      version++;
    }
    const etag = `"v${version}"`;
    const inm = req.headers.get("if-none-match");
    const ims = req.headers.get("if-modified-since");
    const fresh = state.validators.etag && inm !== null
      ? inm === etag
      : state.validators.lastModified && ims !== null && ims === stamp();
    const headers = new Headers({ "content-type": "application/json" });
    if (state.validators.etag) headers.set("etag", etag);
    if (state.validators.lastModified) headers.set("last-modified", stamp());
    const u = new URL(req.url);
    const status = fresh ? 304 : 200;
    state.requests.push({ path: u.pathname + u.search, headers: req.headers, status });
    return new Response(fresh ? null : current, { status, headers });
  });
  state.url = `http://127.0.0.1:${server.addr.port}`;
  return state;
}
