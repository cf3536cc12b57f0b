/**
 * @module One remote-write POST: headers, auth, TLS CA, timeout. Turns whatever happens into a
 * {@linkcode PushOutcome}; secrets stay inside (never in outcomes, logs or errors).
 */
import type { PushDestinationConfig } from "../config/push_schema.ts";
import type { Clock } from "../base/clock.ts";
import { parseRetryAfter } from "./backoff.ts";
import type { PushOutcome } from "./status_policy.ts";

/** One validated destination of the config's `push` section. */
export type PushConfig = PushDestinationConfig;

/** Response bodies are read up to this many bytes (for the log line), the rest is discarded. */
export const MAX_BODY_BYTES = 1024;

/** Options of {@linkcode createPushClient}. */
export interface PushClientOptions {
  clock: Clock;
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Shown in `User-Agent: vmprober/<version>`. */
  version?: string;
  /** Reads `password_file`, `bearer_token_file` and `tls_ca_file`; `Deno.readTextFile` by default. */
  readTextFile?: (path: string) => Promise<string>;
}

/** Sends one snappy-compressed `WriteRequest`. */
export interface PushClient extends AsyncDisposable {
  /** The push URL without any userinfo, safe to log and show. */
  readonly safeUrl: string;
  /**
   * POSTs `body` and reports the outcome; never throws except with `signal`'s reason when the
   * caller aborts (stop). A timeout (`push.timeout`, covering the response body) is an outcome.
   */
  send(body: Uint8Array, signal?: AbortSignal): Promise<PushOutcome>;
}

async function readSecret(
  read: (p: string) => Promise<string>,
  path: string,
  what: string,
): Promise<string> {
  try {
    return (await read(path)).replace(/\r?\n$/, "");
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound ? "no such file" : (e as Error).name;
    throw new Error(`Cannot read push ${what} ${path}: ${why}`);
  }
}

async function readBody(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_BODY_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return new TextDecoder().decode(all.subarray(0, MAX_BODY_BYTES));
}

/**
 * Builds the client from the `push` config: reads the secret files once (a missing file is an
 * error here, at start, not a silent 401 later) and, with `tls_ca_file`, a Deno HTTP client that
 * trusts that CA. Credentials written into the URL itself move to a Basic `Authorization` header.
 */
export async function createPushClient(
  config: PushConfig,
  options: PushClientOptions,
): Promise<PushClient> {
  const read = options.readTextFile ?? Deno.readTextFile;
  const doFetch = options.fetch ?? fetch;
  const url = new URL(config.url);
  const headers: Record<string, string> = {
    "Content-Encoding": "snappy",
    "Content-Type": "application/x-protobuf",
    "X-Prometheus-Remote-Write-Version": "0.1.0",
    "User-Agent": `vmprober/${options.version ?? "dev"}`,
  };
  if (config.basic_auth) {
    const password = await readSecret(read, config.basic_auth.password_file, "password_file");
    headers.Authorization = "Basic " + btoa(`${config.basic_auth.username}:${password}`);
  } else if (config.bearer_token_file) {
    headers.Authorization = "Bearer " +
      (await readSecret(read, config.bearer_token_file, "bearer_token_file")).trim();
  } else if (url.username || url.password) {
    headers.Authorization = "Basic " +
      btoa(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`);
  }
  url.username = "";
  url.password = "";
  const target = url.href;
  if (config.tls_insecure_skip_verify) {
    throw new Error(
      "Cannot create push client: push.tls_insecure_skip_verify is not supported by Deno's " +
        "HTTP client; give the server's CA in push.tls_ca_file",
    );
  }
  let httpClient: Deno.HttpClient | undefined;
  if (config.tls_ca_file) {
    const pem = await readSecret(read, config.tls_ca_file, "tls_ca_file");
    httpClient = Deno.createHttpClient({ caCerts: [pem] });
  }
  const { clock } = options;

  return {
    safeUrl: target,
    async send(body, signal) {
      signal?.throwIfAborted();
      const ctrl = new AbortController();
      const timer = new AbortController();
      const timeout = new Error("push timeout");
      const onAbort = () => ctrl.abort(signal?.reason);
      signal?.addEventListener("abort", onAbort, { once: true });
      clock.sleep(config.timeout, timer.signal).then(() => ctrl.abort(timeout), () => {});
      try {
        const response = await doFetch(target, {
          method: "POST",
          headers,
          body: body as Uint8Array<ArrayBuffer>,
          signal: ctrl.signal,
          ...(httpClient ? { client: httpClient } : {}),
        });
        const text = await readBody(response);
        const outcome: PushOutcome = { kind: "status", status: response.status, body: text };
        const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), clock.wallNow());
        if (retryAfterMs !== undefined) outcome.retryAfterMs = retryAfterMs;
        return outcome;
      } catch (e) {
        if (signal?.aborted) throw signal.reason;
        if (ctrl.signal.reason === timeout) {
          return { kind: "timeout", message: `no response within ${config.timeout}ms` };
        }
        return { kind: "network", message: e instanceof Error ? e.message : String(e) };
      } finally {
        timer.abort();
        signal?.removeEventListener("abort", onAbort);
      }
    },
    [Symbol.asyncDispose]() {
      httpClient?.close();
      return Promise.resolve();
    },
  };
}
