/**
 * @module DNS over a small pool of shared UDP sockets. Many questions in flight share a few
 * sockets (not one socket and file descriptor each); a datagram is an answer only when it comes
 * from the server's address and port, carries the id of a question asked there on that socket,
 * and repeats that question. Anything else — a forged or stray reply, an answer crossed with
 * another question's — is ignored and counted, and the question keeps waiting.
 *
 * Source port randomisation: a fresh socket per question hides each question behind a random
 * port as well as a random id (~32 bits for a blind spoofer to guess). A shared socket's port is
 * fixed while it lives, so the pool keeps several sockets (each on a port the kernel picks at
 * random), spreads questions over them at random, and retires a socket after
 * `maxQuestionsPerSocket` questions or when it has nothing in flight (then the next question opens
 * a socket on a new port): a port learned by an attacker is only good for a short while. Ids are
 * random and never shared by two questions in flight to one server on one socket; a late answer
 * to an ended question is taken only by a new one with the same id, server and question (1 in
 * 65,536), and is then a real answer to it.
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

/** Options of {@linkcode createUdpPool}. */
export interface UdpPoolOptions {
  listen?: ListenDatagram;
  /** Sockets per address family at most. */
  maxSockets?: number;
  /** Questions one socket carries before it is retired (a new port for the next ones). */
  maxQuestionsPerSocket?: number;
}

/** Defaults of {@linkcode UdpPoolOptions}. */
export const UDP_POOL_DEFAULTS = { maxSockets: 4, maxQuestionsPerSocket: 1000 } as const;

/** What one question got: the answer and its timings, or undefined at the timeout. */
export type UdpAnswer =
  | { packet: DecodedPacket; connectSeconds: number; requestSeconds: number }
  | undefined;

/** The pool. */
export interface UdpPool {
  exchange(
    server: DnsServer,
    question: Question,
    options: { timeoutMs: number; signal?: AbortSignal; hooks?: DnsHooks },
  ): Promise<UdpAnswer>;
  /** Open sockets (tests, metrics). */
  sockets(): number;
  /** Local ports of the open sockets (tests). */
  ports(): number[];
}

interface Waiter {
  question: Question;
  hooks?: DnsHooks;
  take(packet: DecodedPacket): void;
}

interface Socket {
  conn: Deno.DatagramConn;
  family: 4 | 6;
  /** Questions in flight by `ip|port|id`. */
  waiting: Map<string, Waiter>;
  /** Questions in flight per server `ip|port` (a reply from elsewhere is from a wrong source). */
  servers: Map<string, number>;
  /** Questions taken so far. */
  taken: number;
  retired: boolean;
}

/** Creates a pool; sockets open on demand and close when they have nothing in flight. */
export function createUdpPool(options: UdpPoolOptions = {}): UdpPool {
  const listen: ListenDatagram = options.listen ?? ((o) => Deno.listenDatagram(o));
  const maxSockets = options.maxSockets ?? UDP_POOL_DEFAULTS.maxSockets;
  const perSocket = options.maxQuestionsPerSocket ?? UDP_POOL_DEFAULTS.maxQuestionsPerSocket;
  const pools: Record<4 | 6, Socket[]> = { 4: [], 6: [] };
  /** Hooks of any question in flight, for datagrams no question claims. */
  const anyHooks = (s: Socket) => s.waiting.values().next().value?.hooks;

  const receive = async (s: Socket) => {
    for (;;) {
      let data: Uint8Array, from: Deno.Addr;
      try {
        [data, from] = await s.conn.receive();
      } catch {
        return; // closed
      }
      const addr = from as Deno.NetAddr;
      const endpoint = `${canonicalIp(addr.hostname)}|${addr.port}`;
      if (!s.servers.has(endpoint)) {
        anyHooks(s)?.onIgnored?.("wrong_source");
        continue;
      }
      const id = messageId(data);
      const waiter = id === undefined ? undefined : s.waiting.get(`${endpoint}|${id}`);
      if (id === undefined) {
        anyHooks(s)?.onIgnored?.("malformed");
        continue;
      }
      if (!waiter) {
        anyHooks(s)?.onIgnored?.("wrong_id");
        continue;
      }
      const packet = decodeResponse(data);
      if (!packet) {
        waiter.hooks?.onIgnored?.("malformed");
        continue;
      }
      if (!answersQuestion(packet, waiter.question.name, waiter.question.type)) {
        waiter.hooks?.onIgnored?.("wrong_question");
        continue;
      }
      waiter.take(packet);
    }
  };

  const open = (family: 4 | 6): Socket => {
    const conn = listen({ transport: "udp", hostname: family === 6 ? "::" : "0.0.0.0", port: 0 });
    const s: Socket = {
      conn,
      family,
      waiting: new Map(),
      servers: new Map(),
      taken: 0,
      retired: false,
    };
    receive(s);
    pools[family].push(s);
    return s;
  };

  const closeIfDone = (s: Socket) => {
    if (s.waiting.size > 0) return;
    const pool = pools[s.family];
    const i = pool.indexOf(s);
    if (i >= 0) pool.splice(i, 1);
    try {
      s.conn.close();
    } catch { /* closed */ }
  };

  /** A socket for a new question: a new one while the pool has room, else one at random. */
  const pick = (family: 4 | 6): Socket => {
    const live = pools[family].filter((s) => !s.retired);
    if (live.length < maxSockets) return open(family);
    return live[Math.floor(Math.random() * live.length)]!;
  };

  return {
    sockets: () => pools[4].length + pools[6].length,
    ports: () => [...pools[4], ...pools[6]].map((s) => (s.conn.addr as Deno.NetAddr).port),
    async exchange(server, question, o) {
      const start = performance.now();
      const s = pick(server.family);
      const connected = performance.now();
      const endpoint = `${canonicalIp(server.ip)}|${server.port}`;
      // An id already in flight to this server on this socket would make two answers one.
      const q = { ...question };
      for (let tries = 0; s.waiting.has(`${endpoint}|${q.id}`) && tries < 64; tries++) {
        q.id = (q.id + 1 + Math.floor(Math.random() * 0xfffe)) & 0xffff;
        q.bytes = withId(question.bytes, q.id);
      }
      const key = `${endpoint}|${q.id}`;
      if (s.waiting.has(key)) throw new Error(`Cannot ask ${server.ip}: no free message id`);
      if (++s.taken >= perSocket) s.retired = true;
      let settle!: (p: DecodedPacket | undefined) => void;
      const answered = new Promise<DecodedPacket | undefined>((r) => (settle = r));
      s.waiting.set(key, { question: q, hooks: o.hooks, take: settle });
      s.servers.set(endpoint, (s.servers.get(endpoint) ?? 0) + 1);
      const timer = setTimeout(() => settle(undefined), o.timeoutMs);
      const onAbort = () => settle(undefined);
      o.signal?.addEventListener("abort", onAbort, { once: true });
      try {
        await s.conn.send(q.bytes, { transport: "udp", hostname: server.ip, port: server.port });
        const sent = performance.now();
        const packet = await answered;
        if (!packet) return undefined;
        return {
          packet: question.id === q.id ? packet : { ...packet, id: question.id },
          connectSeconds: (connected - start) / 1000,
          requestSeconds: (performance.now() - sent) / 1000,
        };
      } finally {
        clearTimeout(timer);
        o.signal?.removeEventListener("abort", onAbort);
        s.waiting.delete(key);
        const n = s.servers.get(endpoint)! - 1;
        if (n > 0) s.servers.set(endpoint, n);
        else s.servers.delete(endpoint);
        closeIfDone(s);
      }
    },
  };
}

/** `bytes` with another message id. */
function withId(bytes: Uint8Array, id: number): Uint8Array {
  const out = bytes.slice();
  out[0] = id >> 8;
  out[1] = id & 0xff;
  return out;
}

/** An IP address in one spelling (IPv6 compressed, lower case), via the URL parser. */
function canonicalIp(ip: string): string {
  try {
    return new URL(`http://${ip.includes(":") ? `[${ip}]` : ip}/`).hostname;
  } catch {
    return "";
  }
}
