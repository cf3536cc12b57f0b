/**
 * @module `type: http`, blackbox_exporter's HTTP prober on our own HTTP/1.1 client: a URL target
 * (or `host[:port]` → `http://host[:port]/`), redirects followed (at most 10), then the checks in
 * blackbox's order — status, headers, body, HTTP version, TLS — and its metrics.
 */
import type { Probe } from "../types.ts";
import type { ProbeJob } from "../../schedule/job.ts";
import type { ProbeOutcome } from "../types.ts";
import type { Resolver } from "../../net/resolver.ts";
import { createResolver } from "../../net/resolver.ts";
import { failureReason } from "../failure_reason.ts";
import { moduleResolveOptions } from "../../net/dns/dns_server.ts";
import { httpTarget, looksLikeUrl } from "../../net/target_url.ts";
import { deadline } from "../deadline.ts";
import { type Phases, type RoundTrip, roundTrip } from "./round_trip.ts";
import { headerValues, type ResponseHead } from "./response_head.ts";
import { BodyLimitError } from "./response_body.ts";
import { checkBody, checkHeaders, checkStatus } from "./http_checks.ts";
import { type HttpFigures, httpGauges } from "./http_gauges.ts";
import { compileHttpOptions, requestHeaders } from "./http_options.ts";

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
      const took = () => (performance.now() - start) / 1000;
      using limit = deadline(signal, job.timeoutMs);
      const phases: Phases = { resolve: 0, connect: 0, tls: 0, processing: 0, transfer: 0 };
      const f: HttpFigures = {
        lookupSeconds: 0,
        phases,
        status: 0,
        contentLength: 0,
        uncompressedLength: 0,
        redirects: 0,
        ssl: false,
        version: 0,
        failedDueToRegex: false,
      };
      let family: 4 | 6 | undefined;
      const peer: { certExpiry?: number } = {};
      const done = (reason?: ProbeOutcome["reason"], detail?: string): ProbeOutcome => ({
        success: reason === undefined,
        durationSeconds: took(),
        ...(reason ? { reason, detail } : {}),
        ipProtocol: family,
        tlsCertExpiry: peer.certExpiry,
        gauges: httpGauges(f),
      });
      const o = await compileHttpOptions(job.options).catch((e: Error) => e);
      if (o instanceof Error) return done("error", o.message);
      let url = looksLikeUrl(job.target)
        ? httpTarget(job.target).url
        : httpTarget(`${job.host.includes(":") ? `[${job.host}]` : job.host}:${job.port ?? 80}`)
          .url;
      const origin = url.host;
      let method = o.method;
      let body = o.body;
      let last: RoundTrip;
      try {
        for (let hop = 0;; hop++) {
          const final = (status: number, location: string | undefined) =>
            !(o.followRedirects && REDIRECTS.has(status) && location && hop < MAX_REDIRECTS);
          last = await roundTrip({
            method,
            url,
            headers: requestHeaders(url, o, url.host === origin),
            body,
          }, {
            resolver,
            ipProtocol: job.ipProtocol,
            dnsServer: moduleResolveOptions(job.options).server,
            connect: deps.connect,
            tls: o.tls,
            signal: limit,
            phases,
            onHead: (head, tls) => fillFromHead(f, head, tls, o.decode),
            onResolved: (seconds, address) => {
              if (hop === 0) {
                f.lookupSeconds = seconds;
                family = address.family;
              }
            },
            body: (head) =>
              final(head.status, headerValues(head, "location")[0])
                ? { limit: o.bodySizeLimit, keepBytes: o.keepBodyBytes, decode: o.decode }
                : undefined,
          });
          const location = headerValues(last.head, "location")[0];
          if (final(last.head.status, location)) break;
          f.redirects++;
          const next = new URL(location!, url);
          if (next.protocol !== "http:" && next.protocol !== "https:") {
            return done("error", `redirect to ${next.protocol} is not followed`);
          }
          url = next;
          const s = last.head.status;
          if (s === 303 || ((s === 301 || s === 302) && method === "POST")) {
            if (method !== "HEAD") method = "GET";
            body = undefined;
          }
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
      peer.certExpiry = last.certExpiry;
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

/** The figures a response head gives (status, lengths, version, Last-Modified, TLS). */
function fillFromHead(f: HttpFigures, head: ResponseHead, tls: boolean, decode: boolean): void {
  f.status = head.status;
  f.ssl = tls;
  const cl = headerValues(head, "content-length")[0];
  const decoded = decode && /gzip|deflate/i.test(headerValues(head, "content-encoding").join());
  const chunked = /chunked/i.test(headerValues(head, "transfer-encoding").join());
  // As Go's client: -1 when unknown (chunked, to the end) or when it decoded the body itself.
  f.contentLength = cl && !decoded && !chunked && /^\d+$/.test(cl) ? Number(cl) : -1;
  f.version = head.version === "HTTP/1.0" ? 1 : 1.1;
  const lm = headerValues(head, "last-modified")[0];
  const seconds = lm ? Date.parse(lm) / 1000 : NaN;
  f.lastModified = Number.isFinite(seconds) ? Math.floor(seconds) : undefined;
}
