/**
 * @module Where a request goes and its bytes, made once per job: a job probing the same URL every
 * few seconds parses it and builds its request head once, not once per run (redirect hops are
 * built per run; they are rare).
 */
import type { ProbeJob } from "../../schedule/job.ts";
import { literalAddress, type Resolved } from "../../net/resolver.ts";
import { type HttpTarget, httpTarget, looksLikeUrl } from "../../net/target_url.ts";
import { type HttpOptions, requestHeaders } from "./http_options.ts";

/** A URL as the client needs it. */
export interface HttpEndpoint extends HttpTarget {
  /** The address when the host is an IP literal (no lookup). */
  literal?: Resolved;
}

/** The endpoint of a URL. */
export function endpointOf(url: URL): HttpEndpoint {
  const t = httpTarget(url.href);
  return { url, host: t.host, port: t.port, tls: t.tls, literal: literalAddress(t.host) };
}

const encoder = new TextEncoder();

/** The request bytes (head and body) of `method` on `url` with `headers`. */
export function requestBytes(
  method: string,
  url: URL,
  headers: readonly (readonly [string, string])[],
  body?: Uint8Array,
): Uint8Array {
  let head = `${method} ${url.pathname || "/"}${url.search} HTTP/1.1\r\n`;
  for (const [k, v] of headers) head += `${k}: ${v}\r\n`;
  if (body) head += `Content-Length: ${body.length}\r\n`;
  head += "\r\n";
  const h = encoder.encode(head);
  if (!body) return h;
  const all = new Uint8Array(h.length + body.length);
  all.set(h);
  all.set(body, h.length);
  return all;
}

/** A job's first hop, ready to send. */
export interface FirstHop {
  endpoint: HttpEndpoint;
  /** The request for `options` (the module's compiled options it was made for). */
  options: HttpOptions;
  authorization?: string;
  bytes: Uint8Array;
}

const firstHops = new WeakMap<ProbeJob<"http">, FirstHop>();

/** The job's URL: as written when it is one, else `http://host[:port]/`. */
function jobUrl(job: ProbeJob<"http">): URL {
  if (looksLikeUrl(job.target)) return httpTarget(job.target).url;
  const host = job.host.includes(":") ? `[${job.host}]` : job.host;
  return httpTarget(`${host}:${job.port ?? 80}`).url;
}

/**
 * The first hop of `job` with `o`: cached per job, made again when the options object or the
 * credentials (read from files, which may change) differ from the cached one's.
 */
export function firstHop(job: ProbeJob<"http">, o: HttpOptions): FirstHop {
  const hit = firstHops.get(job);
  if (hit && hit.options === o && hit.authorization === o.authorization) return hit;
  const endpoint = hit?.endpoint ?? endpointOf(jobUrl(job));
  const hop: FirstHop = {
    endpoint,
    options: o,
    authorization: o.authorization,
    bytes: requestBytes(o.method, endpoint.url, requestHeaders(endpoint.url, o, true), o.body),
  };
  firstHops.set(job, hop);
  return hop;
}
