/** @module Serves the hono app on `agent.listen` with `Deno.serve`. */
import type { Hono } from "hono";

/** A running HTTP server. */
export interface HttpServer extends AsyncDisposable {
  readonly port: number;
  readonly hostname: string;
}

/** Splits `host:port` / `[v6]:port`. */
export function parseListen(listen: string): { hostname: string; port: number } {
  const m = /^\[?([^\]]*)\]?:(\d+)$/.exec(listen);
  if (!m) throw new SyntaxError(`Cannot parse listen address "${listen}": expected host:port`);
  return { hostname: m[1] || "0.0.0.0", port: Number(m[2]) };
}

/** Starts serving (over TLS when `tls` holds a PEM certificate and key); resolves once listening. */
export function startServer(
  app: Hono,
  listen: string,
  tls?: { cert: string; key: string },
): Promise<HttpServer> {
  const { hostname, port } = parseListen(listen);
  return new Promise((resolve, reject) => {
    try {
      const server = Deno.serve({
        hostname,
        port,
        ...(tls ? { cert: tls.cert, key: tls.key } : {}),
        onListen: (addr) => {
          resolve({
            port: (addr as Deno.NetAddr).port,
            hostname: (addr as Deno.NetAddr).hostname,
            [Symbol.asyncDispose]: () => server.shutdown(),
          });
        },
        onError: (e) => new Response(`Internal error: ${(e as Error).message}\n`, { status: 500 }),
      }, app.fetch);
    } catch (e) {
      reject(e);
    }
  });
}
