/**
 * @module One HTTP/1.1 request on a fresh connection (`Connection: close`), timed by phase as
 * blackbox_exporter does: resolve, connect, tls, processing (request sent → first response byte),
 * transfer (first byte → body read). Phases are added into the caller's totals as they end, so a
 * failure keeps the phases that happened.
 */
import type { ByteStream } from "../byte_stream.ts";
import { connStream } from "../byte_stream.ts";
import { tlsConnect } from "../tls_connect.ts";
import { raceAbort } from "../deadline.ts";
import { literalAddress, type Resolved, type Resolver } from "../../net/resolver.ts";
import type { DnsServer } from "../../net/dns/types.ts";
import { bufferedReader } from "./buffered_reader.ts";
import { readResponseHead, type ResponseHead } from "./response_head.ts";
import { type BodyResult, readBody, type ReadBodyOptions } from "./response_body.ts";

/** Seconds per phase, summed over round trips. */
export interface Phases {
  resolve: number;
  connect: number;
  tls: number;
  processing: number;
  transfer: number;
}

/** The request to send. */
export interface HttpRequest {
  method: string;
  url: URL;
  headers: [string, string][];
  body?: Uint8Array;
}

/** What the round trip needs besides the request. */
export interface RoundTripOptions {
  resolver: Resolver;
  ipProtocol: "ip4" | "ip6" | "auto";
  dnsServer?: DnsServer;
  connect?: (o: Deno.ConnectOptions) => Promise<Deno.TcpConn>;
  tls: { ca?: string; serverName?: string; insecureSkipVerify: boolean };
  signal: AbortSignal;
  /** How to read the body of this response (the final one), or undefined not to (a redirect). */
  body?: (head: ResponseHead) => Omit<ReadBodyOptions, "head"> | undefined;
  phases: Phases;
  /** Called with each response head as soon as it is read. */
  onHead?: (head: ResponseHead, tls: boolean) => void;
  /** Called once the name is resolved (lookup time, address). */
  onResolved?: (seconds: number, address: Resolved) => void;
}

/** The response. */
export interface RoundTrip {
  head: ResponseHead;
  body?: BodyResult;
  /** Unix seconds of the peer certificate's expiry (https). */
  certExpiry?: number;
  address: Resolved;
}

const encoder = new TextEncoder();

/** The request bytes (head and body). */
export function requestBytes(req: HttpRequest): Uint8Array {
  const target = `${req.url.pathname || "/"}${req.url.search}`;
  let head = `${req.method} ${target} HTTP/1.1\r\n`;
  for (const [k, v] of req.headers) head += `${k}: ${v}\r\n`;
  if (req.body) head += `Content-Length: ${req.body.length}\r\n`;
  head += "\r\n";
  const h = encoder.encode(head);
  if (!req.body) return h;
  const all = new Uint8Array(h.length + req.body.length);
  all.set(h);
  all.set(req.body, h.length);
  return all;
}

/** Sends `req` and reads the response; see the module doc. */
export async function roundTrip(req: HttpRequest, o: RoundTripOptions): Promise<RoundTrip> {
  const tls = req.url.protocol === "https:";
  const host = req.url.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = req.url.port ? Number(req.url.port) : tls ? 443 : 80;
  let t = performance.now();
  const lap = () => {
    const now = performance.now();
    const s = (now - t) / 1000;
    t = now;
    return s;
  };
  const address = literalAddress(host) ??
    await raceAbort(
      o.resolver.resolve(host, o.ipProtocol, o.signal, { server: o.dnsServer }),
      o.signal,
    );
  const lookup = lap();
  o.phases.resolve += lookup;
  o.onResolved?.(lookup, address);
  let stream: ByteStream | undefined;
  let certExpiry: number | undefined;
  const onAbort = () => stream?.close();
  o.signal.addEventListener("abort", onAbort, { once: true });
  try {
    if (tls) {
      const pending = tlsConnect({
        ip: address.ip,
        port,
        serverName: o.tls.serverName ?? (literalAddress(host) ? undefined : host),
        insecureSkipVerify: o.tls.insecureSkipVerify,
        ca: o.tls.ca,
        signal: o.signal,
        onConnect: () => (o.phases.connect += lap()),
      });
      pending.then((c) => o.signal.aborted && c.stream.close(), () => {});
      const c = await raceAbort(pending, o.signal);
      o.phases.tls += lap();
      stream = c.stream;
      certExpiry = c.tls?.earliestCertExpiry;
    } else {
      const connect = o.connect ?? ((x) => Deno.connect(x));
      const pending = connect({ hostname: address.ip, port, signal: o.signal });
      pending.then((c) => o.signal.aborted && c.close(), () => {});
      stream = connStream(await raceAbort(pending, o.signal));
      o.phases.connect += lap();
    }
    await raceAbort(stream.write(requestBytes(req)), o.signal);
    const reader = bufferedReader(stream, () => (o.phases.processing += lap()));
    const head = await raceAbort(readResponseHead(reader), o.signal);
    o.onHead?.(head, tls);
    const how = o.body?.(head);
    if (!how) return { head, certExpiry, address };
    const body = await raceAbort(
      readBody(reader, head, { ...how, head: req.method === "HEAD" }),
      o.signal,
    );
    o.phases.transfer += lap();
    return { head, body, certExpiry, address };
  } finally {
    o.signal.removeEventListener("abort", onAbort);
    stream?.close();
  }
}
