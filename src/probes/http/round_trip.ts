/**
 * @module One HTTP/1.1 request on a fresh connection (`Connection: close`), timed by phase as
 * blackbox_exporter does: resolve, connect, tls, processing (request sent → first response byte),
 * transfer (first byte → body read). Phases are added into the caller's totals as they end, so a
 * failure keeps the phases that happened. An abort closes the connection, which ends any pending
 * read or write; the caller reports the signal's reason.
 */
import type { ByteStream } from "../byte_stream.ts";
import { connStream } from "../byte_stream.ts";
import { tlsConnect } from "../tls_connect.ts";
import { raceAbort } from "../deadline.ts";
import type { Resolved, Resolver } from "../../net/resolver.ts";
import type { DnsServer } from "../../net/dns/types.ts";
import type { TlsInfo } from "../types.ts";
import { bufferedReader } from "./buffered_reader.ts";
import { readResponseHead, type ResponseHead } from "./response_head.ts";
import { type BodyResult, readBody, type ReadBodyOptions } from "./response_body.ts";
import type { HttpEndpoint } from "./http_request.ts";

/** Seconds per phase, summed over round trips. */
export interface Phases {
  resolve: number;
  connect: number;
  tls: number;
  processing: number;
  transfer: number;
}

/** What the round trips of one probe run share (made once per run). */
export interface RoundTripOptions {
  resolver: Resolver;
  ipProtocol: "ip4" | "ip6" | "auto";
  dnsServer?: DnsServer;
  connect?: (o: Deno.ConnectOptions) => Promise<Deno.TcpConn>;
  tls: { ca?: string; serverName?: string; insecureSkipVerify: boolean };
  signal: AbortSignal;
  phases: Phases;
  /** How to read the body of this response (the final one), or undefined not to (a redirect). */
  body(head: ResponseHead): Omit<ReadBodyOptions, "head"> | undefined;
  /** Called with each response head as soon as it is read. */
  onHead(head: ResponseHead, tls: boolean): void;
  /** Called once the name is resolved (lookup time, address). */
  onResolved(seconds: number, address: Resolved): void;
}

/** The response. */
export interface RoundTrip {
  head: ResponseHead;
  body?: BodyResult;
  /** The handshake's details (https). */
  tls?: TlsInfo;
  address: Resolved;
}

const defaultConnect = (o: Deno.ConnectOptions) => Deno.connect(o);

/**
 * Sends `bytes` to `to` and reads the response; `isHead`: the request is HEAD (no body whatever
 * the header says). See the module doc.
 */
export async function roundTrip(
  to: HttpEndpoint,
  bytes: Uint8Array,
  isHead: boolean,
  o: RoundTripOptions,
): Promise<RoundTrip> {
  let t = performance.now();
  const lap = () => {
    const now = performance.now();
    const s = (now - t) / 1000;
    t = now;
    return s;
  };
  const address = to.literal ??
    await raceAbort(
      o.resolver.resolve(to.host, o.ipProtocol, o.signal, { server: o.dnsServer }),
      o.signal,
    );
  const lookup = lap();
  o.phases.resolve += lookup;
  o.onResolved(lookup, address);
  let stream: ByteStream | undefined;
  let tls: TlsInfo | undefined;
  const onAbort = () => stream?.close();
  o.signal.addEventListener("abort", onAbort, { once: true });
  try {
    if (to.tls) {
      const pending = tlsConnect({
        ip: address.ip,
        port: to.port,
        serverName: o.tls.serverName ?? (to.literal ? undefined : to.host),
        insecureSkipVerify: o.tls.insecureSkipVerify,
        ca: o.tls.ca,
        signal: o.signal,
        onConnect: () => (o.phases.connect += lap()),
      });
      pending.then((c) => o.signal.aborted && c.stream.close(), () => {});
      const c = await raceAbort(pending, o.signal);
      o.phases.tls += lap();
      stream = c.stream;
      tls = c.tls;
    } else {
      const options = { hostname: address.ip, port: to.port, signal: o.signal };
      // Deno.connect ends at the signal itself; an injected connect may not.
      const pending = (o.connect ?? defaultConnect)(options);
      if (o.connect) pending.then((c) => o.signal.aborted && c.close(), () => {});
      const conn = o.connect ? await raceAbort(pending, o.signal) : await pending;
      if (o.signal.aborted) {
        conn.close();
        throw o.signal.reason;
      }
      stream = connStream(conn);
      o.phases.connect += lap();
    }
    await stream.write(bytes);
    const reader = bufferedReader(stream, () => (o.phases.processing += lap()));
    const head = await readResponseHead(reader);
    o.onHead(head, to.tls);
    const how = o.body(head);
    if (!how) return { head, tls, address };
    const body = await readBody(reader, head, {
      limit: how.limit,
      keepBytes: how.keepBytes,
      decode: how.decode,
      head: isHead,
    });
    o.phases.transfer += lap();
    return { head, body, tls, address };
  } catch (e) {
    // A read or write ended by the abort's close fails with "bad resource": the signal's reason
    // is what happened.
    throw o.signal.aborted ? o.signal.reason : e;
  } finally {
    o.signal.removeEventListener("abort", onAbort);
    stream?.close();
  }
}
