/**
 * @module A TLS connection for the TCP probe, through `node:tls`: Deno's own `connectTls` does not
 * show the peer certificate, and its expiry is what `probe_ssl_earliest_cert_expiry` reports.
 * `node:tls` is loaded on the first TLS probe: agents without one do not pay its memory.
 */
import type { ByteStream } from "./byte_stream.ts";
import type { TlsInfo } from "./types.ts";
import { tlsInfo } from "./tls_info.ts";

let nodeTls: Promise<typeof import("node:tls")> | undefined;

/** Options of {@linkcode tlsConnect}. */
export interface TlsConnectOptions {
  ip: string;
  port: number;
  /** SNI and the name the certificate must carry; an IP literal sends no SNI. */
  serverName?: string;
  insecureSkipVerify: boolean;
  signal: AbortSignal;
  /** PEM certificates to verify against instead of the system's (http `tls.ca_file`). */
  ca?: string;
  /** Called when the TCP connection is up, before the handshake (the http probe's phases). */
  onConnect?: () => void;
}

/** Connects and completes the handshake; rejects on refusal, verification failure or abort. */
export async function tlsConnect(
  options: TlsConnectOptions,
): Promise<{ stream: ByteStream; tls?: TlsInfo }> {
  const tls = await (nodeTls ??= import("node:tls"));
  options.signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: options.ip,
      port: options.port,
      servername: options.serverName,
      rejectUnauthorized: !options.insecureSkipVerify,
      ca: options.ca,
      // With a name, node's own check against it (the option must then be absent, not undefined);
      // an IP literal without one is not checked against a name.
      ...(options.serverName ? {} : { checkServerIdentity: () => undefined }),
    });
    const chunks: Uint8Array[] = [];
    let ended = false;
    let failure: Error | undefined;
    let wake: (() => void) | undefined;
    const onAbort = () => socket.destroy();
    if (options.onConnect) socket.once("connect", options.onConnect);
    options.signal.addEventListener("abort", onAbort, { once: true });
    socket.on("data", (d: Uint8Array) => {
      chunks.push(new Uint8Array(d));
      wake?.();
    });
    socket.on("end", () => {
      ended = true;
      wake?.();
    });
    socket.on("error", (e: Error) => {
      failure = e;
      wake?.();
      reject(e);
    });
    socket.on("close", () => {
      ended = true;
      options.signal.removeEventListener("abort", onAbort);
      wake?.();
    });
    socket.on("secureConnect", () => {
      const info = tlsInfo(
        socket.getPeerCertificate(true),
        socket.getProtocol(),
        !options.insecureSkipVerify && socket.authorized,
      );
      const stream: ByteStream = {
        write: (bytes) =>
          new Promise((ok, fail) => socket.write(bytes, (e?: Error | null) => e ? fail(e) : ok())),
        async read(buf) {
          while (chunks.length === 0 && !ended && !failure) {
            await new Promise<void>((r) => (wake = r));
          }
          const head = chunks.shift();
          if (!head) {
            if (failure) throw failure;
            return null;
          }
          const n = Math.min(buf.length, head.length);
          buf.set(head.subarray(0, n));
          if (n < head.length) chunks.unshift(head.subarray(n));
          return n;
        },
        close: () => socket.destroy(),
      };
      resolve({ stream, tls: info });
    });
  });
}
