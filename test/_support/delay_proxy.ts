/**
 * @module A loopback remote-write receiver for tests that delays every request by a seeded random
 * 0..`maxDelayMs` (so requests in flight together are answered in a shuffled order), decodes and
 * records each one, and either forwards it to a real receiver (`upstream`, e.g. Prometheus) or
 * answers 204 itself. `down = true` makes it answer 503 at once (an outage).
 */
import { snappyUncompress } from "../../src/wal/snappy.ts";
import { type DecodedSeries, decodeWriteRequest } from "./wal_decode.ts";
import { mulberry32 } from "./seeded_random.ts";

/** One `MetricMetadata` as received. */
export interface ReceivedMetadata {
  type: number;
  name: string;
  help: string;
  unit: string;
}

/** One request as received and answered. */
export interface ProxiedRequest {
  /** `performance.now()` when it arrived and when it was answered. */
  arrivedMs: number;
  answeredMs: number;
  /** The answer (the upstream's, or ours). */
  status: number;
  responseBody: string;
  headers: Record<string, string>;
  series: DecodedSeries[];
  metadata: ReceivedMetadata[];
}

/** The running proxy. */
export interface DelayProxy extends AsyncDisposable {
  /** `http://127.0.0.1:<port>/api/v1/write`. */
  readonly url: string;
  readonly port: number;
  /** Every request, in the order they were answered. */
  readonly requests: ProxiedRequest[];
  /** While true, every request is answered 503 without delay or forwarding. */
  down: boolean;
}

/** Options of {@linkcode startDelayProxy}. */
export interface DelayProxyOptions {
  /** Forward to this URL (path included); answer 204 when absent. */
  upstream?: string;
  /** Seed of the delay sequence. */
  seed: number;
  /** Largest delay per request, ms (default 1500). */
  maxDelayMs?: number;
  /** Listen on this port (default: a free one). */
  port?: number;
}

/** mulberry32: a small seeded PRNG, uniform in [0, 1) (the one of seeded_random.ts). */
export function seededRandom(seed: number): () => number {
  return mulberry32(seed);
}

/** Decodes the `metadata` (field 3) entries of an uncompressed `WriteRequest`. */
export function decodeMetadata(body: Uint8Array): ReceivedMetadata[] {
  const out: ReceivedMetadata[] = [];
  const text = new TextDecoder();
  let pos = 0;
  const varint = (end: number) => {
    let v = 0;
    let mul = 1;
    while (pos < end) {
      const b = body[pos++]!;
      v += (b & 0x7f) * mul;
      if (b < 0x80) break;
      mul *= 128;
    }
    return v;
  };
  while (pos < body.length) {
    const tag = varint(body.length);
    const len = varint(body.length);
    const end = pos + len;
    if (tag === 0x1a) {
      const m: ReceivedMetadata = { type: 0, name: "", help: "", unit: "" };
      while (pos < end) {
        const t = varint(end);
        if (t === 0x08) {
          m.type = varint(end);
          continue;
        }
        const n = varint(end);
        const s = text.decode(body.subarray(pos, pos + n));
        pos += n;
        if (t === 0x12) m.name = s;
        else if (t === 0x22) m.help = s;
        else if (t === 0x2a) m.unit = s;
      }
      out.push(m);
    }
    pos = end;
  }
  return out;
}

/** Starts the proxy on loopback. */
export function startDelayProxy(options: DelayProxyOptions): DelayProxy {
  const random = seededRandom(options.seed);
  const maxDelay = options.maxDelayMs ?? 1500;
  const requests: ProxiedRequest[] = [];
  const waits = new Map<ReturnType<typeof setTimeout>, () => void>();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: options.port ?? 0,
    onListen: () => {},
  }, async (req) => {
    const arrivedMs = performance.now();
    const raw = new Uint8Array(await req.arrayBuffer());
    const headers = Object.fromEntries(req.headers);
    let status = 204;
    let responseBody = "";
    if (proxy.down) {
      status = 503;
      responseBody = "receiver down";
    } else {
      const delay = random() * maxDelay;
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          waits.delete(t);
          resolve();
        }, delay);
        waits.set(t, resolve);
      });
    }
    if (options.upstream && status === 204) {
      const r = await fetch(options.upstream, { method: "POST", headers: req.headers, body: raw });
      status = r.status;
      responseBody = await r.text();
    }
    const body = snappyUncompress(raw);
    requests.push({
      arrivedMs,
      answeredMs: performance.now(),
      status,
      responseBody,
      headers,
      series: decodeWriteRequest(body),
      metadata: decodeMetadata(body),
    });
    return new Response(responseBody || null, { status });
  });
  const port = server.addr.port;
  const proxy: DelayProxy = {
    url: `http://127.0.0.1:${port}/api/v1/write`,
    port,
    requests,
    down: false,
    async [Symbol.asyncDispose]() {
      for (const [t, resolve] of waits) {
        clearTimeout(t);
        resolve();
      }
      await server.shutdown();
    },
  };
  return proxy;
}
