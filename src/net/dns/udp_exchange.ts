/**
 * @module One DNS question over UDP on a fresh socket (a random source port, a random id). Only
 * a datagram from the server's address and port, with the question's id and the question itself,
 * is the answer; anything else (a forged or stray reply) is ignored and counted, and the wait
 * goes on until the timeout.
 */
import type { DecodedPacket } from "dns-packet";
import type { DnsHooks, DnsServer, QueryType } from "./types.ts";
import { answersQuestion, decodeResponse, messageId } from "./wire.ts";

/** Opens a UDP socket (injected in tests). */
export type ListenDatagram = (
  options: Deno.UdpListenOptions & { transport: "udp" },
) => Deno.DatagramConn;

/** The question being asked. */
export interface Question {
  id: number;
  name: string;
  type: QueryType;
  bytes: Uint8Array;
}

/** Options of {@linkcode udpExchange}. */
export interface UdpExchangeOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  listen?: ListenDatagram;
  hooks?: DnsHooks;
}

/** The answer and its timings, or `undefined` when none came in time. */
export async function udpExchange(
  server: DnsServer,
  question: Question,
  options: UdpExchangeOptions,
): Promise<{ packet: DecodedPacket; connectSeconds: number; requestSeconds: number } | undefined> {
  const listen = options.listen ?? ((o) => Deno.listenDatagram(o));
  const start = performance.now();
  const conn = listen({
    transport: "udp",
    hostname: server.family === 6 ? "::" : "0.0.0.0",
    port: 0,
  });
  const connected = performance.now();
  let timedOut = false;
  const stop = () => {
    timedOut = true;
    try {
      conn.close();
    } catch { /* closed */ }
  };
  const timer = setTimeout(stop, options.timeoutMs);
  options.signal?.addEventListener("abort", stop, { once: true });
  const want = canonicalIp(server.ip);
  try {
    await conn.send(question.bytes, { transport: "udp", hostname: server.ip, port: server.port });
    const sent = performance.now();
    while (!timedOut) {
      let data: Uint8Array, from: Deno.Addr;
      try {
        [data, from] = await conn.receive();
      } catch (e) {
        if (timedOut) return undefined;
        throw e;
      }
      const addr = from as Deno.NetAddr;
      if (addr.port !== server.port || canonicalIp(addr.hostname) !== want) {
        options.hooks?.onIgnored?.("wrong_source");
        continue;
      }
      const id = messageId(data);
      if (id === undefined) {
        options.hooks?.onIgnored?.("malformed");
        continue;
      }
      if (id !== question.id) {
        options.hooks?.onIgnored?.("wrong_id");
        continue;
      }
      const packet = decodeResponse(data);
      if (!packet) {
        options.hooks?.onIgnored?.("malformed");
        continue;
      }
      if (!answersQuestion(packet, question.name, question.type)) {
        options.hooks?.onIgnored?.("wrong_question");
        continue;
      }
      return {
        packet,
        connectSeconds: (connected - start) / 1000,
        requestSeconds: (performance.now() - sent) / 1000,
      };
    }
    return undefined;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", stop);
    if (!timedOut) stop();
  }
}

/** An IP address in one spelling (IPv6 compressed, lower case), via the URL parser. */
function canonicalIp(ip: string): string {
  try {
    return new URL(`http://${ip.includes(":") ? `[${ip}]` : ip}/`).hostname;
  } catch {
    return "";
  }
}
