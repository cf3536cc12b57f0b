/**
 * @module One DNS question over TCP (RFC 1035 4.2.2: each message after a two-byte length), for
 * `transport: tcp` and after a truncated UDP answer. The answer must carry the question's id.
 */
import type { DecodedPacket } from "dns-packet";
import type { DnsServer, QueryType } from "./types.ts";
import { answersQuestion, decodeResponse, messageId } from "./wire.ts";
import { DnsError, serverText } from "./dns_error.ts";

/** Options of {@linkcode tcpExchange}. */
export interface TcpExchangeOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  connect?: (o: Deno.ConnectOptions) => Promise<Deno.TcpConn>;
}

/** The answer and its timings, or `undefined` when none came in time. */
export async function tcpExchange(
  server: DnsServer,
  question: { id: number; name: string; type: QueryType; bytes: Uint8Array },
  options: TcpExchangeOptions,
): Promise<{ packet: DecodedPacket; connectSeconds: number; requestSeconds: number } | undefined> {
  const connect = options.connect ?? ((o) => Deno.connect(o));
  const start = performance.now();
  const controller = new AbortController();
  let timedOut = false;
  let conn: Deno.TcpConn | undefined;
  const stop = () => {
    timedOut = true;
    controller.abort();
    try {
      conn?.close();
    } catch { /* closed */ }
  };
  const timer = setTimeout(stop, options.timeoutMs);
  options.signal?.addEventListener("abort", stop, { once: true });
  try {
    conn = await connect({ hostname: server.ip, port: server.port, signal: controller.signal });
    if (timedOut) return undefined;
    const connected = performance.now();
    const framed = new Uint8Array(2 + question.bytes.length);
    framed[0] = question.bytes.length >> 8;
    framed[1] = question.bytes.length & 0xff;
    framed.set(question.bytes, 2);
    for (let off = 0; off < framed.length;) off += await conn.write(framed.subarray(off));
    const head = await readExactly(conn, 2);
    const length = (head[0]! << 8) | head[1]!;
    const body = await readExactly(conn, length);
    const packet = messageId(body) === question.id ? decodeResponse(body) : undefined;
    if (!packet || !answersQuestion(packet, question.name, question.type)) {
      throw new DnsError("malformed", `malformed answer over tcp from ${serverText(server)}`);
    }
    return {
      packet,
      connectSeconds: (connected - start) / 1000,
      requestSeconds: (performance.now() - connected) / 1000,
    };
  } catch (e) {
    if (timedOut) return undefined;
    throw e;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", stop);
    try {
      conn?.close();
    } catch { /* closed */ }
  }
}

async function readExactly(conn: Deno.Conn, n: number): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  let at = 0;
  while (at < n) {
    const got = await conn.read(out.subarray(at));
    if (got === null) throw new DnsError("malformed", "connection closed before the whole answer");
    at += got;
  }
  return out;
}
