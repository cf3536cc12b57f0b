/**
 * @module A `type: http` module's options, compiled once per module (regexes) and per run
 * (secret files, which may change), and the request header fields they make.
 */
import { compilePeerRegex, type PeerRegex } from "../../base/peer_regex.ts";
import type { HeaderRule } from "./http_checks.ts";
import { readSecret, readSmallFile } from "./secret_files.ts";

/** Decoded body bytes kept for body regexes at most (blackbox reads the whole body). */
export const MAX_REGEX_BODY = 16 * 1024 * 1024;

/** What a run needs, ready to use. */
export interface HttpOptions {
  method: string;
  headers: [string, string][];
  body?: Uint8Array;
  validStatusCodes?: number[];
  validHttpVersions?: string[];
  followRedirects: boolean;
  failIfSsl: boolean;
  failIfNotSsl: boolean;
  failIfBodyMatches: PeerRegex[];
  failIfBodyNotMatches: PeerRegex[];
  failIfHeaderMatches: HeaderRule[];
  failIfHeaderNotMatches: HeaderRule[];
  bodySizeLimit: number;
  keepBodyBytes: number;
  /** We ask for gzip and decode it (no Accept-Encoding of the module's own). */
  decode: boolean;
  /** How the final response's body is read (one object per module). */
  bodyOptions: { limit: number; keepBytes: number; decode: boolean };
  authorization?: string;
  tls: { ca?: string; serverName?: string; insecureSkipVerify: boolean };
}

type Static = Omit<HttpOptions, "authorization" | "tls"> & {
  tls: { ca_file?: string; server_name?: string; insecure_skip_verify?: boolean };
};

const compiled = new WeakMap<object, Static>();

// deno-lint-ignore no-explicit-any
function compileStatic(m: Record<string, any>): Static {
  const rules = (l?: { header: string; regexp: string; allow_missing?: boolean }[]) =>
    (l ?? []).map((r) => ({
      header: r.header,
      regexp: compilePeerRegex(r.regexp),
      allowMissing: r.allow_missing === true,
    }));
  const res = (l?: string[]) => (l ?? []).map(compilePeerRegex);
  const headers = Object.entries((m.headers ?? {}) as Record<string, string>);
  const bodyMatches = res(m.fail_if_body_matches_regexp);
  const bodyNotMatches = res(m.fail_if_body_not_matches_regexp);
  const limit = m.body_size_limit ?? Infinity;
  const keepBytes = bodyMatches.length + bodyNotMatches.length > 0
    ? Math.min(limit, MAX_REGEX_BODY)
    : 0;
  const decode = !headers.some(([k]) => k.toLowerCase() === "accept-encoding");
  return {
    method: m.method ?? "GET",
    headers,
    body: m.body === undefined ? undefined : new TextEncoder().encode(m.body),
    validStatusCodes: m.valid_status_codes,
    validHttpVersions: m.valid_http_versions,
    followRedirects: m.follow_redirects !== false,
    failIfSsl: m.fail_if_ssl === true,
    failIfNotSsl: m.fail_if_not_ssl === true,
    failIfBodyMatches: bodyMatches,
    failIfBodyNotMatches: bodyNotMatches,
    failIfHeaderMatches: rules(m.fail_if_header_matches),
    failIfHeaderNotMatches: rules(m.fail_if_header_not_matches),
    bodySizeLimit: limit,
    keepBodyBytes: keepBytes,
    decode,
    bodyOptions: { limit, keepBytes, decode },
    tls: m.tls ?? {},
  };
}

/** Options of modules that read no file, made once per module object. */
const fileless = new WeakMap<object, HttpOptions>();

/**
 * A module's options: synchronously from a per-module cache when it names no file (the common
 * case; no promise, no copy per run), else {@linkcode compileHttpOptions}.
 */
// deno-lint-ignore no-explicit-any
export function httpOptionsOf(m: Record<string, any>): HttpOptions | Promise<HttpOptions> {
  const hit = fileless.get(m);
  if (hit) return hit;
  if (m.basic_auth?.password_file || m.bearer_token_file || m.tls?.ca_file) {
    return compileHttpOptions(m);
  }
  return compileHttpOptions(m).then((o) => {
    fileless.set(m, o);
    return o;
  });
}

/** Compiles a module's options; rejects with a plain error when a file cannot be read. */
// deno-lint-ignore no-explicit-any
export async function compileHttpOptions(m: Record<string, any>): Promise<HttpOptions> {
  let s = compiled.get(m);
  if (!s) compiled.set(m, s = compileStatic(m));
  let authorization: string | undefined;
  if (m.basic_auth) {
    const password = m.basic_auth.password_file ? await readSecret(m.basic_auth.password_file) : "";
    const bytes = new TextEncoder().encode(`${m.basic_auth.username}:${password}`);
    authorization = `Basic ${btoa(String.fromCharCode(...bytes))}`;
  } else if (m.bearer_token_file) {
    authorization = `Bearer ${await readSecret(m.bearer_token_file)}`;
  }
  const ca = s.tls.ca_file ? await readSmallFile(s.tls.ca_file) : undefined;
  const hostHeader = s.headers.find(([k]) => k.toLowerCase() === "host")?.[1];
  return {
    ...s,
    authorization,
    tls: {
      ca,
      serverName: s.tls.server_name ?? hostHeader,
      insecureSkipVerify: s.tls.insecure_skip_verify === true,
    },
  };
}

/** The request's header fields: ours first, the module's replacing them by name. */
export function requestHeaders(
  url: URL,
  o: HttpOptions,
  sameHost: boolean,
): [string, string][] {
  const ours: [string, string][] = [
    ["Host", url.host],
    ["User-Agent", "VMProber"],
    ["Accept", "*/*"],
  ];
  if (o.decode && o.method !== "HEAD") ours.push(["Accept-Encoding", "gzip"]);
  ours.push(["Connection", "close"]);
  // Credentials go to the target's own host only, as Go's client does on redirects.
  if (o.authorization && sameHost) ours.push(["Authorization", o.authorization]);
  const names = new Set(o.headers.map(([k]) => k.toLowerCase()));
  const out = ours.filter(([k]) => !names.has(k.toLowerCase()));
  for (const [k, v] of o.headers) {
    if (k.toLowerCase() === "content-length" || (k.toLowerCase() === "connection")) continue;
    out.push([k, v]);
  }
  return out;
}
