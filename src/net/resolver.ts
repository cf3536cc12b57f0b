/**
 * @module Target names → one address, through our own DNS client (`/etc/hosts`, resolv.conf) with
 * a cache that honours each answer's TTL within bounds, so a thousand targets on one name cost
 * one query per TTL. A name that does not exist is remembered for its SOA minimum (RFC 2308),
 * other failures for `negativeTtlMs`. IP literals never query; `ip_protocol: auto` asks A and
 * AAAA at once and takes IPv4 when there is one.
 */
import { isIPv4, isIPv6 } from "./address.ts";
import type { DnsHooks, DnsServer } from "./dns/types.ts";
import { createSystemLookup, type Lookup } from "./dns/system_lookup.ts";
import { serverText } from "./dns/dns_error.ts";

export type { Lookup } from "./dns/system_lookup.ts";

/** What a lookup returns: one address and its family. */
export interface Resolved {
  ip: string;
  family: 4 | 6;
}

/** Per-call options of {@linkcode Resolver.resolve}. */
export interface ResolveOptions {
  /** Ask this server instead of resolv.conf's (a probe module's `dns_server`). */
  server?: DnsServer;
}

/** Resolves a host for a probe, by `ip_protocol` preference. */
export interface Resolver {
  resolve(
    host: string,
    protocol: "ip4" | "ip6" | "auto",
    signal?: AbortSignal,
    options?: ResolveOptions,
  ): Promise<Resolved>;
  /**
   * What `resolve()` gives `host` without a lookup (an IP literal), or undefined: a probe of an
   * address skips the promise of `resolve()`. Absent: every host goes through `resolve()`.
   */
  literal?(host: string): Resolved | undefined;
}

/** An IP literal as it is (no lookup), or undefined for a name. */
export function literalAddress(host: string): Resolved | undefined {
  if (isIPv4(host)) return { ip: host, family: 4 };
  if (isIPv6(host)) return { ip: host, family: 6 };
  return undefined;
}

/** Options of {@linkcode createResolver}. */
export interface ResolverOptions {
  /** Injected lookup; defaults to our DNS client on `/etc/hosts` and `/etc/resolv.conf`. */
  lookup?: Lookup;
  now?: () => number;
  /** TTL bounds: an answer is kept at least `minTtlMs` and at most `maxTtlMs`. */
  minTtlMs?: number;
  maxTtlMs?: number;
  /** How long a failure without an SOA minimum (timeout, SERVFAIL) is remembered. */
  negativeTtlMs?: number;
  maxEntries?: number;
  hooks?: DnsHooks;
}

interface Entry {
  expires: number;
  addresses?: string[];
  error?: Error;
  pending?: Promise<string[]>;
}

/** Creates a caching resolver; concurrent lookups of one name share one query. */
export function createResolver(options: ResolverOptions = {}): Resolver {
  const lookup = options.lookup ?? createSystemLookup();
  const now = options.now ?? (() => performance.now());
  const minTtl = options.minTtlMs ?? 5_000;
  const maxTtl = options.maxTtlMs ?? 300_000;
  const negativeTtl = options.negativeTtlMs ?? 5_000;
  const maxEntries = options.maxEntries ?? 100_000;
  const hooks = options.hooks ?? {};
  const cache = new Map<string, Entry>();
  const bound = (ms: number) => Math.min(maxTtl, Math.max(minTtl, ms));

  // The shared lookup gets no caller's signal: one caller giving up must not fail (and
  // negatively cache) the answer for every other caller waiting on the same query.
  function query(host: string, type: "A" | "AAAA", server?: DnsServer): Promise<string[]> {
    const key = `${type} ${host.toLowerCase()}${server ? ` @${serverText(server)}` : ""}`;
    const hit = cache.get(key);
    if (hit && hit.expires > now()) {
      hooks.onCache?.("hit");
      if (hit.pending) return hit.pending;
      if (hit.error) return Promise.reject(hit.error);
      return Promise.resolve(hit.addresses!);
    }
    hooks.onCache?.("miss");
    cache.delete(key);
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
    const entry: Entry = { expires: Infinity };
    entry.pending = lookup(host, type, undefined, server).then((answers) => {
      // No answer counts as a failure: remembered for the negative TTL, not the maximum.
      const ttl = answers.length === 0
        ? negativeTtl
        : bound(Math.min(...answers.map((a) => a.ttl * 1000)));
      entry.addresses = answers.map((a) => a.address);
      entry.expires = now() + ttl;
      entry.pending = undefined;
      return entry.addresses;
    }, (e: Error & { ttlSeconds?: number }) => {
      entry.error = e;
      entry.expires = now() +
        (typeof e.ttlSeconds === "number" ? bound(e.ttlSeconds * 1000) : negativeTtl);
      entry.pending = undefined;
      throw e;
    });
    cache.set(key, entry);
    return entry.pending;
  }

  const first = async (list: Promise<string[]>, type: string, host: string) => {
    const all = await list;
    if (all.length === 0) {
      throw new Deno.errors.NotFound(`Cannot resolve ${host}: no ${type} record`);
    }
    return all[0]!;
  };

  return {
    literal: literalAddress,
    async resolve(host, protocol, signal, opts = {}) {
      const literal = literalAddress(host);
      if (literal) return literal;
      if (host === "localhost" || host === "localhost.") {
        return protocol === "ip6" ? { ip: "::1", family: 6 } : { ip: "127.0.0.1", family: 4 };
      }
      const a = protocol === "ip6" ? undefined : query(host, "A", opts.server);
      const aaaa = protocol === "ip4" ? undefined : query(host, "AAAA", opts.server);
      // Both asked at once for auto: IPv6 is ready the moment IPv4 turns out missing.
      aaaa?.catch(() => {});
      if (!a) return { ip: await untilAborted(first(aaaa!, "AAAA", host), signal), family: 6 };
      try {
        return { ip: await untilAborted(first(a, "A", host), signal), family: 4 };
      } catch (e) {
        if (!aaaa || signal?.aborted) throw e;
        try {
          return { ip: await untilAborted(first(aaaa, "AAAA", host), signal), family: 6 };
        } catch (e6) {
          if (signal?.aborted) throw e6;
          throw e; // the IPv4 failure says it best (the same NXDOMAIN, or why A failed)
        }
      }
    },
  };
}

/** `promise`, or a rejection with the signal's reason as soon as `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
