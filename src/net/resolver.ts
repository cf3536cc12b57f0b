/**
 * @module DNS through `Deno.resolveDns` with a cache that honours the TTL within bounds, so a
 * thousand targets on one name cost one query per TTL. IP literals never query. Deno's resolver
 * does not report TTLs, so its answers count as `DEFAULT_TTL_S`; an injected lookup may report real ones.
 */
import { isIPv4, isIPv6 } from "./address.ts";

/** What a lookup returns: one address and its family. */
export interface Resolved {
  ip: string;
  family: 4 | 6;
}

/** Resolves a host for a probe, by `ip_protocol` preference. */
export interface Resolver {
  resolve(host: string, protocol: "ip4" | "ip6" | "auto", signal?: AbortSignal): Promise<Resolved>;
}

/** An IP literal as it is (no lookup), or undefined for a name. */
export function literalAddress(host: string): Resolved | undefined {
  if (isIPv4(host)) return { ip: host, family: 4 };
  if (isIPv6(host)) return { ip: host, family: 6 };
  return undefined;
}

type Lookup = (name: string, type: "A" | "AAAA", signal?: AbortSignal) => Promise<
  { address: string; ttl: number }[]
>;

/** Options of {@linkcode createResolver}. */
export interface ResolverOptions {
  /** Injected DNS lookup; defaults to `Deno.resolveDns` with TTLs. */
  lookup?: Lookup;
  now?: () => number;
  minTtlMs?: number;
  maxTtlMs?: number;
  /** How long a failed lookup is remembered. */
  negativeTtlMs?: number;
  maxEntries?: number;
}

/** Deno.resolveDns does not expose record TTLs: answers are kept for `DEFAULT_TTL_S`. */
export const DEFAULT_TTL_S = 30;

const denoLookup: Lookup = async (name, type, signal) => {
  const answers = await Deno.resolveDns(name, type, { signal });
  return answers.map((address) => ({ address, ttl: DEFAULT_TTL_S }));
};

interface Entry {
  expires: number;
  addresses?: string[];
  error?: Error;
  pending?: Promise<string[]>;
}

/** Creates a caching resolver; concurrent lookups of one name share one query. */
export function createResolver(options: ResolverOptions = {}): Resolver {
  const lookup = options.lookup ?? denoLookup;
  const now = options.now ?? (() => performance.now());
  const minTtl = options.minTtlMs ?? 5_000;
  const maxTtl = options.maxTtlMs ?? 300_000;
  const negativeTtl = options.negativeTtlMs ?? 5_000;
  const maxEntries = options.maxEntries ?? 100_000;
  const cache = new Map<string, Entry>();

  // The shared lookup gets no caller's signal: one caller giving up must not fail (and
  // negatively cache) the answer for every other caller waiting on the same query.
  function query(host: string, type: "A" | "AAAA"): Promise<string[]> {
    const key = `${type} ${host}`;
    const hit = cache.get(key);
    if (hit && hit.expires > now()) {
      if (hit.pending) return hit.pending;
      if (hit.error) return Promise.reject(hit.error);
      return Promise.resolve(hit.addresses!);
    }
    cache.delete(key);
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
    const entry: Entry = { expires: Infinity };
    entry.pending = lookup(host, type).then((answers) => {
      // No answer counts as a failure: remembered for the negative TTL, not the maximum.
      const ttl = answers.length === 0 ? negativeTtl : Math.min(
        maxTtl,
        Math.max(minTtl, Math.min(...answers.map((a) => a.ttl * 1000))),
      );
      entry.addresses = answers.map((a) => a.address);
      entry.expires = now() + ttl;
      entry.pending = undefined;
      return entry.addresses;
    }, (e: Error) => {
      entry.error = e;
      entry.expires = now() + negativeTtl;
      entry.pending = undefined;
      throw e;
    });
    cache.set(key, entry);
    return entry.pending;
  }

  const first = async (host: string, type: "A" | "AAAA", signal?: AbortSignal) => {
    const list = await untilAborted(query(host, type), signal);
    if (list.length === 0) throw new Deno.errors.NotFound(`no ${type} record for ${host}`);
    return list[0]!;
  };

  return {
    async resolve(host, protocol, signal) {
      const literal = literalAddress(host);
      if (literal) return literal;
      if (host === "localhost" || host === "localhost.") {
        return protocol === "ip6" ? { ip: "::1", family: 6 } : { ip: "127.0.0.1", family: 4 };
      }
      if (protocol === "ip4") return { ip: await first(host, "A", signal), family: 4 };
      if (protocol === "ip6") return { ip: await first(host, "AAAA", signal), family: 6 };
      try {
        return { ip: await first(host, "A", signal), family: 4 };
      } catch (e) {
        if (signal?.aborted) throw e;
        return { ip: await first(host, "AAAA", signal), family: 6 };
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
