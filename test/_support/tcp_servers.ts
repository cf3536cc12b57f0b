/** @module Loopback TCP peers for probe tests: open, closed, banner and silent servers. */

/** A listener on loopback that runs `onConn` for each connection; dispose to close everything. */
export interface TcpPeer extends AsyncDisposable {
  readonly port: number;
  readonly hostname: string;
}

/** Starts a listener; `onConn` decides what the peer does (default: close at once). */
export function tcpPeer(
  onConn: (conn: Deno.Conn) => Promise<void> | void = (c) => c.close(),
  hostname = "127.0.0.1",
): TcpPeer {
  const listener = Deno.listen({ hostname, port: 0 });
  const conns = new Set<Deno.Conn>();
  const loop = (async () => {
    try {
      for await (const conn of listener) {
        conns.add(conn);
        Promise.resolve(onConn(conn)).catch(() => {}).finally(() => conns.delete(conn));
      }
    } catch {
      // listener closed
    }
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    hostname,
    async [Symbol.asyncDispose]() {
      listener.close();
      for (const c of conns) {
        try {
          c.close();
        } catch {
          // closed already
        }
      }
      await loop;
    },
  };
}

/** A peer that accepts and then says nothing until closed. */
export function silentPeer(): TcpPeer {
  return tcpPeer(async (conn) => {
    const buf = new Uint8Array(1024);
    try {
      while ((await conn.read(buf)) !== null) { /* swallow */ }
    } catch {
      // closed
    }
  });
}

/** A peer that writes `banner` and closes. */
export function bannerPeer(banner: string): TcpPeer {
  return tcpPeer(async (conn) => {
    await conn.write(new TextEncoder().encode(banner));
    conn.close();
  });
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export function closedPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** A free TCP port on 127.0.0.1 for a server to listen on (bound, then released). */
export function freePort(): number {
  return closedPort();
}
