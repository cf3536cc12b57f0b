/**
 * @module TCP probe: connect time (or a TLS handshake, reporting the peer certificate's expiry),
 * optional `send` and `expect` (a regex on the first bytes, e.g. an SSH banner). A connect-only
 * module connects through the process's shared epoll poller (tcp_fast.ts) where FFI is allowed,
 * else through `Deno.connect`, like modules with `tls`, `send` or `expect`. With `dscp`,
 * `source_ip` or `source_interface` the connection is our own FFI socket (socket/tcp_socket.ts;
 * no TLS then). One attempt, never longer than the job's timeout.
 */
import { moduleResolveOptions } from "../net/dns/dns_server.ts";
import type { Probe } from "./types.ts";
import type { ProbeJob } from "../schedule/job.ts";
import type { ProbeOutcome } from "./types.ts";
import { failureReason } from "./failure_reason.ts";
import { createResolver, literalAddress, type Resolver } from "../net/resolver.ts";
import { deadline, raceAbort } from "./deadline.ts";
import { type ByteStream, connStream } from "./byte_stream.ts";
import { tlsConnect } from "./tls_connect.ts";
import { isIPv4, isIPv6 } from "../net/address.ts";
import { type AddressFields, addressFields } from "./address_fields.ts";
import type { PeerRegex } from "../base/peer_regex.ts";
import { moduleSocketOptions, socketOptionsKey } from "./socket/socket_options.ts";
import { ffiTcpConnect } from "./socket/tcp_socket.ts";
import { acquireTcpPoller, type TcpPoller } from "./socket/tcp_poller.ts";
import { literalPlace, placeConnect, resolvedConnect } from "./tcp_fast.ts";
import { connectOnly } from "../config/connect_only.ts";
import { logger } from "../log.ts";

/** Most bytes read while waiting for `expect` to match. */
export const MAX_EXPECT_BYTES = 64 * 1024;

/** Options of {@linkcode createTcpProbe}; effects injected with real defaults. */
export interface TcpProbeOptions {
  connect?: (options: Deno.ConnectOptions) => Promise<Deno.TcpConn>;
  resolver?: Resolver;
  /**
   * The poller connect-only modules use; default: the process's shared one, made at the first
   * such probe. `null`: always `Deno.connect`.
   */
  poller?: TcpPoller | null;
}

/** Why connect-only probes use `Deno.connect`: no FFI permission, or the poller would not open. */
function openPoller(): TcpPoller | null {
  const log = logger("probes", "tcp");
  try {
    const ffi = Deno.permissions.querySync({ name: "ffi" }).state;
    if (ffi !== "granted") throw new Error(`the ffi permission is ${ffi}`);
    const poller = acquireTcpPoller();
    log.info("TCP: connect-only probes through the shared epoll poller");
    return poller;
  } catch (e) {
    log.warn("TCP: connect-only probes fall back to Deno.connect (more CPU per probe): {why}", {
      why: (e as Error).message,
    });
    return null;
  }
}

/** Creates the TCP probe. */
export function createTcpProbe(options: TcpProbeOptions = {}): Probe<"tcp"> & AsyncDisposable {
  const connect = options.connect ?? ((o) => Deno.connect(o));
  const resolver = options.resolver ?? createResolver();
  let poller = options.poller;
  const fastPoller = () => poller === undefined ? (poller = openPoller()) : poller;
  return {
    type: "tcp",
    run(job: ProbeJob<"tcp">, signal: AbortSignal): Promise<ProbeOutcome> {
      // Opening the poller (the first probe: the C library, the epoll set) is not connect time.
      const o = job.options;
      const only = connectOnly(o);
      const optioned = o.dscp !== undefined || o.source_ip !== undefined ||
        o.source_interface !== undefined;
      const poller = only || optioned ? fastPoller() : null;
      const fast = only ? poller : null;
      const start = performance.now();
      // The hot path: an IP literal's kept sockaddr, no deadline of our own (the poller keeps
      // the timeout; `signal` is the agent's stop), no async frame of this function.
      const place = fast && job.port !== undefined ? literalPlace(job) : null;
      if (fast && place) return placeConnect(fast, job, place, start, signal);
      return slowRun(job, signal, start, fast, poller);
    },
    async [Symbol.asyncDispose]() {
      const held = poller;
      poller = options.poller;
      if (held && options.poller === undefined) await held.release();
    },
  };

  /** A lookup, TLS, `send`/`expect`, socket options or `Deno.connect`. */
  async function slowRun(
    job: ProbeJob<"tcp">,
    signal: AbortSignal,
    start: number,
    fast: TcpPoller | null,
    poller: TcpPoller | null,
  ): Promise<ProbeOutcome> {
    if (job.port === undefined) {
      return {
        success: false,
        durationSeconds: 0,
        reason: "error",
        detail: "no port: set one in the target or the probe module",
      };
    }
    const took = () => (performance.now() - start) / 1000;
    using limit = deadline(signal, job.timeoutMs);
    let addr: AddressFields = { dnsLookupSeconds: 0 };
    let conn: ByteStream | undefined;
    let tls: ProbeOutcome["tls"];
    try {
      // An IP literal needs no lookup, nor the promise race around one.
      let resolved = literalAddress(job.host);
      if (!resolved) {
        try {
          resolved = await raceAbort(
            resolver.resolve(job.host, job.ipProtocol, limit, moduleResolveOptions(job.options)),
            limit,
          );
        } catch (e) {
          const reason = limit.aborted ? "timeout" : "dns";
          return {
            success: false,
            durationSeconds: took(),
            dnsLookupSeconds: took(),
            reason,
            detail: String((e as Error)?.message ?? e),
          };
        }
      }
      addr = addressFields(resolved, took());
      // The poller keeps what is left of the timeout; it watches the agent's one signal.
      if (fast) return await resolvedConnect(fast, job, resolved, addr, start, signal);
      if (job.options.tls) {
        const name = job.options.tls_server_name ??
          (isIPv4(job.host) || isIPv6(job.host) ? undefined : job.host);
        const pending = tlsConnect({
          ip: resolved.ip,
          port: job.port,
          serverName: name,
          insecureSkipVerify: job.options.tls_insecure_skip_verify === true,
          signal: limit,
        });
        pending.then((c) => limit.aborted && c.stream.close(), () => {});
        const connected = await raceAbort(pending, limit);
        conn = connected.stream;
        tls = connected.tls;
      } else if (socketOptionsKey(moduleSocketOptions(job.options, resolved.family)) !== "") {
        conn = await ffiTcpConnect({
          ip: resolved.ip,
          family: resolved.family,
          port: job.port,
          socketOptions: moduleSocketOptions(job.options, resolved.family),
          signal: limit,
          poller,
        });
      } else {
        // Deno.connect rejects by itself when `limit` aborts: no race around it (a promise,
        // a listener and a finally per probe).
        const pending = connect({ hostname: resolved.ip, port: job.port, signal: limit });
        pending.then((c) => limit.aborted && c.close(), () => {});
        conn = connStream(await pending);
      }
      const { expect, send } = job.options;
      if (send) await raceAbort(conn.write(new TextEncoder().encode(send)), limit);
      if (expect !== undefined && expect.source !== "") {
        const matched = await raceAbort(readUntil(conn, expect), limit);
        if (!matched.ok) {
          return {
            success: false,
            durationSeconds: took(),
            reason: "mismatch",
            detail: `expect /${expect}/ did not match ${
              JSON.stringify(matched.text.slice(0, 120))
            }`,
            ...addr,
            tls,
            failedDueToRegex: true,
          };
        }
      }
      return {
        success: true,
        durationSeconds: took(),
        ...addr,
        tls,
        failedDueToRegex: expect ? false : undefined,
      };
    } catch (e) {
      const reason = limit.aborted && !signal.aborted ? "timeout" : failureReason(e);
      return {
        success: false,
        durationSeconds: took(),
        reason,
        detail: String((e as Error)?.message ?? e),
        ...addr,
        tls,
      };
    } finally {
      try {
        conn?.close();
      } catch {
        // already closed
      }
    }
  }
}

/** Reads until `re` matches the text so far, the peer closes, or the cap is reached. */
async function readUntil(conn: ByteStream, re: PeerRegex): Promise<{ ok: boolean; text: string }> {
  const buf = new Uint8Array(4096);
  const decoder = new TextDecoder("utf-8", { fatal: false });
  let text = "";
  let total = 0;
  while (total < MAX_EXPECT_BYTES) {
    const n = await conn.read(buf);
    if (n === null) return { ok: re.test(text), text };
    total += n;
    text += decoder.decode(buf.subarray(0, n), { stream: true });
    if (re.test(text)) return { ok: true, text };
  }
  return { ok: false, text };
}
