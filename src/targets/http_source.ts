/**
 * @module The `http` source: a URL returning Prometheus `http_sd` JSON, fetched every `refresh`
 * with a timeout, headers and an optional bearer token read from a file.
 */
import { sourceFields } from "./source_fields.ts";
import { readLimited } from "./read_limited.ts";
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_TARGETS, loadTargetGroups } from "./sd_format.ts";
import { SourceError } from "./source_error.ts";
import type { TargetGroup, TargetSource } from "./types.ts";
import { readTextBoundedSync } from "../base/read_bounded.ts";

/** Largest `bearer_token_file` read. */
const MAX_TOKEN_BYTES = 64 * 1024;

/** Default fetch period of an HTTP source: 1 minute. */
export const DEFAULT_HTTP_REFRESH_MS = 60_000;
/** Default timeout of one fetch (headers and body): 10 seconds. */
export const DEFAULT_HTTP_TIMEOUT_MS = 10_000;

/** Options of {@linkcode createHttpSource}. */
export interface HttpSourceOptions {
  name: string;
  url: string;
  probes: readonly string[];
  labels?: Record<string, string>;
  refreshMs?: number;
  timeoutMs?: number;
  headers?: Record<string, string>;
  /** Absolute path of a file holding the bearer token; re-read on every fetch (rotation). */
  bearerTokenFile?: string;
  maxBytes?: number;
  maxTargets?: number;
  fingerprint?: string;
  /** Called when the server answers 304 Not Modified (the last targets stay). */
  onNotModified?: () => void;
  /** The fetch to use (injected for tests). Default: global fetch. */
  fetch?: typeof fetch;
}

/** The URL without credentials or query, for messages (a query may carry a token). */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "<invalid url>";
  }
}

/** A source fetching `http_sd` JSON. Status ≠ 2xx, timeouts, oversize and bad JSON all fail it. */
export function createHttpSource(options: HttpSourceOptions): TargetSource {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  const refreshMs = options.refreshMs ?? DEFAULT_HTTP_REFRESH_MS;
  const doFetch = options.fetch ?? fetch;
  const where = safeUrl(options.url);
  /** The last good answer and its validators, for conditional requests. */
  let last: { groups: TargetGroup[]; etag: string | null; modified: string | null } | undefined;
  return {
    ...sourceFields("http", options, refreshMs),
    async load(signal: AbortSignal): Promise<TargetGroup[]> {
      const headers = new Headers(options.headers);
      headers.set("Accept", "application/json");
      headers.set("X-Prometheus-Refresh-Interval-Seconds", String(Math.round(refreshMs / 1000)));
      if (last?.etag) headers.set("If-None-Match", last.etag);
      if (last?.modified) headers.set("If-Modified-Since", last.modified);
      if (options.bearerTokenFile) {
        let token: string;
        try {
          // Synchronous (see base/read_bounded.ts): an async read waits for a free file thread.
          token = readTextBoundedSync(options.bearerTokenFile, MAX_TOKEN_BYTES).trim();
        } catch (e) {
          throw new SourceError("io", `cannot read bearer_token_file: ${(e as Error).message}`);
        }
        headers.set("Authorization", `Bearer ${token}`);
      }
      const timeout = new AbortController();
      const timer = setTimeout(
        () => timeout.abort(new SourceError("timeout", `${where}: no answer in ${timeoutMs} ms`)),
        timeoutMs,
      );
      const both = AbortSignal.any([signal, timeout.signal]);
      try {
        let res: Response;
        try {
          res = await doFetch(options.url, { headers, signal: both, redirect: "follow" });
        } catch (e) {
          if (timeout.signal.aborted) throw timeout.signal.reason;
          if (signal.aborted) throw signal.reason;
          throw new SourceError("network", `${where}: ${(e as Error).message}`);
        }
        if (res.status === 304 && last) {
          await res.body?.cancel().catch(() => {});
          options.onNotModified?.();
          return last.groups;
        }
        if (!res.ok) {
          await res.body?.cancel().catch(() => {});
          throw new SourceError("http_status", `${where}: HTTP ${res.status}`);
        }
        const length = Number(res.headers.get("content-length") ?? NaN);
        if (length > maxBytes) {
          await res.body?.cancel().catch(() => {});
          throw new SourceError(
            "too_large",
            `${where}: body of ${length} bytes exceeds the limit of ${maxBytes}`,
          );
        }
        let body: Uint8Array;
        try {
          body = res.body ? await readLimited(res.body, maxBytes, "body") : new Uint8Array();
        } catch (e) {
          if (e instanceof SourceError) throw new SourceError(e.reason, `${where}: ${e.message}`);
          if (timeout.signal.aborted) throw timeout.signal.reason;
          if (signal.aborted) throw signal.reason;
          throw new SourceError("network", `${where}: ${(e as Error).message}`);
        }
        try {
          const groups = await loadTargetGroups(body, {
            format: "json",
            maxBytes,
            maxTargets: options.maxTargets ?? DEFAULT_MAX_TARGETS,
          }, signal);
          last = {
            groups,
            etag: res.headers.get("etag"),
            modified: res.headers.get("last-modified"),
          };
          return groups;
        } catch (e) {
          if (e instanceof SourceError) throw new SourceError(e.reason, `${where}: ${e.message}`);
          throw e;
        }
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
