/**
 * @module `type: http`, blackbox_exporter's HTTP prober on our own HTTP/1.1 client: a URL target
 * (or `host[:port]` → `http://host[:port]/`), redirects followed (at most 10), then the checks in
 * blackbox's order — status, headers, body, HTTP version, TLS — and its metrics.
 */
import type { Probe } from "../types.ts";
import type { ProbeJob } from "../../schedule/job.ts";
import type { ProbeOutcome, TlsInfo } from "../types.ts";
import type { Resolver } from "../../net/resolver.ts";
import { createResolver } from "../../net/resolver.ts";
import { failureReason } from "../failure_reason.ts";
import { moduleResolveOptions } from "../../net/dns/dns_server.ts";
import { deadline } from "../deadline.ts";
import { type RoundTrip, roundTrip, type RoundTripOptions } from "./round_trip.ts";
import { firstHeader, joinedHeader, type ResponseHead } from "./response_head.ts";
import { BodyLimitError } from "./response_body.ts";
import { checkBody, checkHeaders, checkStatus } from "./http_checks.ts";
import { type HttpFigures, httpGauges } from "./http_gauges.ts";
import { httpOptionsOf, requestHeaders } from "./http_options.ts";
import { endpointOf, firstHop, requestBytes } from "./http_request.ts";

/** Most redirects followed, as Go's HTTP client (and so blackbox_exporter). */
export const MAX_REDIRECTS = 10;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Options of {@linkcode createHttpProbe}; effects injected with real defaults. */
export interface HttpProbeOptions {
  resolver?: Resolver;
  connect?: (o: Deno.ConnectOptions) => Promise<Deno.TcpConn>;
}

/** Creates the HTTP probe. */
export function createHttpProbe(deps: HttpProbeOptions = {}): Probe<"http"> {
  const resolver = deps.resolver ?? createResolver();
  return {
    type: "http",
    async run(job: ProbeJob<"http">, signal: AbortSignal): Promise<ProbeOutcome> {
      const start = performance.now();
      using limit = deadline(signal, job.timeoutMs);
      const f: HttpFigures = {
        lookupSeconds: 0,
        phases: { resolve: 0, connect: 0, tls: 0, processing: 0, transfer: 0 },
        status: 0,
        contentLength: 0,
        uncompressedLength: 0,
        redirects: 0,
        ssl: false,
        version: 0,
        failedDueToRegex: false,
      };
      let family: 4 | 6 | undefined;
      const peer: { tls?: TlsInfo } = {};
      const done = (reason?: ProbeOutcome["reason"], detail?: string): ProbeOutcome => {
        const out: ProbeOutcome = {
          success: reason === undefined,
          durationSeconds: (performance.now() - start) / 1000,
          ipProtocol: family,
          gauges: httpGauges(f),
        };
        if (reason) {
          out.reason = reason;
          out.detail = detail;
        }
        if (peer.tls) out.tls = peer.tls;
        return out;
      };
      const compiled = httpOptionsOf(job.options);
      const o = compiled instanceof Promise ? await compiled.catch((e: Error) => e) : compiled;
      if (o instanceof Error) return done("error", o.message);
      const first = firstHop(job, o);
      let to = first.endpoint;
      let bytes = first.bytes;
      let method = o.method;
      let body = o.body;
      let hop = 0;
      const final = (status: number, location: string | undefined) =>
        !(o.followRedirects && REDIRECTS.has(status) && location && hop < MAX_REDIRECTS);
      const trip: RoundTripOptions = {
        resolver,
        ipProtocol: job.ipProtocol,
        dnsServer: moduleResolveOptions(job.options).server,
        connect: deps.connect,
        tls: o.tls,
        signal: limit,
        phases: f.phases,
        onHead: (head, overTls) => fillFromHead(f, head, overTls, o.decode),
        onResolved: (seconds, address) => {
          if (hop === 0) {
            f.lookupSeconds = seconds;
            family = address.family;
          }
        },
        body: (head) =>
          final(head.status, firstHeader(head, "location")) ? o.bodyOptions : undefined,
      };
      let last: RoundTrip;
      try {
        for (;; hop++) {
          last = await roundTrip(to, bytes, method === "HEAD", trip);
          const location = firstHeader(last.head, "location");
          if (final(last.head.status, location)) break;
          f.redirects++;
          const next = new URL(location!, to.url);
          if (next.protocol !== "http:" && next.protocol !== "https:") {
            return done("error", `redirect to ${next.protocol} is not followed`);
          }
          const s = last.head.status;
          if (s === 303 || ((s === 301 || s === 302) && method === "POST")) {
            if (method !== "HEAD") method = "GET";
            body = undefined;
          }
          to = endpointOf(next);
          const sameHost = next.host === first.endpoint.url.host;
          bytes = requestBytes(method, next, requestHeaders(next, o, sameHost), body);
        }
      } catch (e) {
        if (e instanceof BodyLimitError) {
          f.uncompressedLength = o.bodySizeLimit;
          return done("error", e.message);
        }
        const reason = limit.aborted && !signal.aborted ? "timeout" : failureReason(e);
        return done(reason, String((e as Error)?.message ?? e));
      }
      const head = last.head;
      peer.tls = last.tls;
      f.uncompressedLength = last.body?.bytes ?? 0;
      const status = checkStatus(head.status, o.validStatusCodes);
      if (status) return done("mismatch", status);
      const headers = checkHeaders(head, o.failIfHeaderMatches, o.failIfHeaderNotMatches);
      if (headers) {
        f.failedDueToRegex = true;
        return done("mismatch", headers);
      }
      const bodyWhy = checkBody(last.body?.text ?? "", o.failIfBodyMatches, o.failIfBodyNotMatches);
      if (bodyWhy) {
        f.failedDueToRegex = true;
        return done("mismatch", bodyWhy);
      }
      if (o.validHttpVersions && !o.validHttpVersions.includes(head.version)) {
        return done("mismatch", `${head.version} is not one of ${o.validHttpVersions.join(", ")}`);
      }
      if (f.ssl && o.failIfSsl) return done("mismatch", "the final request was over TLS");
      if (!f.ssl && o.failIfNotSsl) return done("mismatch", "the final request was not over TLS");
      return done();
    },
  };
}

const ENCODED = /gzip|deflate/i;
const CHUNKED = /chunked/i;
const DIGITS = /^\d+$/;

/** The figures a response head gives (status, lengths, version, Last-Modified, TLS). */
function fillFromHead(f: HttpFigures, head: ResponseHead, tls: boolean, decode: boolean): void {
  f.status = head.status;
  f.ssl = tls;
  const cl = firstHeader(head, "content-length");
  const decoded = decode && ENCODED.test(joinedHeader(head, "content-encoding"));
  const chunked = CHUNKED.test(joinedHeader(head, "transfer-encoding"));
  // As Go's client: -1 when unknown (chunked, to the end) or when it decoded the body itself.
  f.contentLength = cl && !decoded && !chunked && DIGITS.test(cl) ? Number(cl) : -1;
  f.version = head.version === "HTTP/1.0" ? 1 : 1.1;
  const lm = firstHeader(head, "last-modified");
  const seconds = lm ? Date.parse(lm) / 1000 : NaN;
  f.lastModified = Number.isFinite(seconds) ? Math.floor(seconds) : undefined;
}
