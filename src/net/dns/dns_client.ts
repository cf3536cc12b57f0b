/**
 * @module The DNS client: one question to one server (UDP over a shared socket pool, and TCP when the answer comes back
 * truncated), and the C library's way through a server list: each attempt asks every server in
 * turn; a timeout or a server failure moves on to the next server, any other answer (NOERROR,
 * NXDOMAIN) is final.
 */
import type { DnsHooks, DnsResponse, DnsServer, ExchangeOptions, QueryType } from "./types.ts";
import { encodeQuery, randomId, rcodeOf } from "./wire.ts";
import { createUdpPool, type ListenDatagram, type UdpPool } from "./udp_pool.ts";
import { tcpExchange } from "./tcp_exchange.ts";
import { DnsError, rcodeError, timeoutError } from "./dns_error.ts";

/** Options of {@linkcode createDnsClient}; effects injected with real defaults. */
export interface DnsClientOptions {
  listen?: ListenDatagram;
  /** The shared UDP sockets; a pool of the client's own (on `listen`) by default. */
  pool?: UdpPool;
  connect?: (o: Deno.ConnectOptions) => Promise<Deno.TcpConn>;
  hooks?: DnsHooks;
}

/** Options of {@linkcode DnsClient.query}. */
export interface QueryOptions {
  /** Per server and attempt, as resolv.conf's `timeout`. */
  timeoutMs: number;
  /** Rounds through the server list, as resolv.conf's `attempts`. */
  attempts: number;
  signal?: AbortSignal;
}

/** See the module doc. */
export interface DnsClient {
  /** Asks one server once; rejects with a `DnsError` of kind `timeout` when no answer comes. */
  exchange(
    server: DnsServer,
    name: string,
    type: QueryType,
    options: ExchangeOptions,
  ): Promise<DnsResponse>;
  /** Asks `servers` until one answers NOERROR or NXDOMAIN; rejects with the last failure. */
  query(
    servers: readonly DnsServer[],
    name: string,
    type: QueryType,
    options: QueryOptions,
  ): Promise<DnsResponse>;
}

/** Creates a client; its UDP sockets are shared by the questions in flight (udp_pool.ts). */
export function createDnsClient(options: DnsClientOptions = {}): DnsClient {
  const hooks = options.hooks ?? {};
  const pool = options.pool ?? createUdpPool({ listen: options.listen });

  const exchange: DnsClient["exchange"] = async (server, name, type, opts) => {
    const id = randomId();
    const bytes = encodeQuery(id, name, type, opts);
    const question = { id, name, type, bytes };
    const started = performance.now();
    const left = () => Math.max(1, opts.timeoutMs - (performance.now() - started));
    let transport = opts.transport;
    let got;
    try {
      if (transport === "udp") {
        got = await pool.exchange(server, question, {
          timeoutMs: opts.timeoutMs,
          signal: opts.signal,
          hooks,
        });
        if (got?.packet.flag_tc) {
          transport = "tcp";
          const udpSeconds = got.requestSeconds + got.connectSeconds;
          got = await tcpExchange(server, { ...question }, {
            timeoutMs: left(),
            signal: opts.signal,
            connect: options.connect,
          });
          if (got) got.requestSeconds += udpSeconds;
        }
      } else {
        got = await tcpExchange(server, question, {
          timeoutMs: opts.timeoutMs,
          signal: opts.signal,
          connect: options.connect,
        });
      }
    } catch (e) {
      hooks.onQuery?.("error");
      if (e instanceof DnsError) throw e;
      throw new DnsError("network", `${(e as Error)?.message ?? e} (${server.ip})`);
    }
    if (!got) {
      hooks.onQuery?.("timeout");
      throw timeoutError(opts.timeoutMs, [server]);
    }
    hooks.onQuery?.(rcodeOf(got.packet));
    return { ...got, server, transport };
  };

  return {
    exchange,
    async query(servers, name, type, opts) {
      if (servers.length === 0) throw new DnsError("network", "no name server configured");
      let last: DnsError | undefined;
      let timeouts = 0;
      for (let attempt = 0; attempt < Math.max(1, opts.attempts); attempt++) {
        for (const server of servers) {
          opts.signal?.throwIfAborted();
          try {
            const r = await exchange(server, name, type, {
              transport: "udp",
              timeoutMs: opts.timeoutMs,
              signal: opts.signal,
            });
            const rcode = rcodeOf(r.packet);
            if (rcode === "NOERROR" || rcode === "NXDOMAIN") return r;
            last = rcodeError(rcode, server);
          } catch (e) {
            opts.signal?.throwIfAborted();
            if (!(e instanceof DnsError)) throw e;
            if (e.kind === "timeout") timeouts++;
            last = e;
          }
        }
      }
      // Every server silent: one message naming them all.
      if (timeouts === servers.length * Math.max(1, opts.attempts)) {
        throw timeoutError(opts.timeoutMs, servers);
      }
      throw last!;
    },
  };
}
