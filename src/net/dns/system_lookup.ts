/**
 * @module Name → addresses the way the C library does it, on our own DNS client: `/etc/hosts`
 * first, then the resolv.conf servers with its search list and `ndots`, following CNAMEs, with
 * each answer's TTL (the smallest along the chain). A name that does not exist, or has no record
 * of the type, fails with a `DnsError` carrying the SOA minimum as its TTL (RFC 2308).
 * Both files are read on first use and again when older than `rereadMs`.
 */
import type { Answer, DecodedPacket } from "dns-packet";
import type { DnsServer } from "./types.ts";
import type { DnsClient } from "./dns_client.ts";
import { createDnsClient } from "./dns_client.ts";
import {
  candidateNames,
  parseResolvConf,
  RESOLV_DEFAULTS,
  type ResolvConf,
} from "./resolv_conf.ts";
import { type HostsTable, parseHosts } from "./hosts_file.ts";
import { DnsError } from "./dns_error.ts";
import { rcodeOf } from "./wire.ts";
import { readTextBoundedSync } from "../../base/read_bounded.ts";

/** Largest `/etc/hosts` or `resolv.conf` read (a bigger one counts as missing). */
const MAX_SYSTEM_FILE_BYTES = 16 * 1024 * 1024;

/** One address and how long it may be kept, in seconds. */
export interface TtlAddress {
  address: string;
  ttl: number;
}

/** The lookup seam of the caching resolver. */
export type Lookup = (
  name: string,
  type: "A" | "AAAA",
  signal?: AbortSignal,
  server?: DnsServer,
) => Promise<TtlAddress[]>;

/** The lookup, and the servers it asks (for a `type: dns` probe without a server of its own). */
export type SystemLookup = Lookup & { servers(): Promise<DnsServer[]> };

/** Options of {@linkcode createSystemLookup}. */
export interface SystemLookupOptions {
  client?: DnsClient;
  resolvConfPath?: string;
  hostsPath?: string;
  readTextFile?: (path: string) => Promise<string>;
  /** Servers to ask instead of resolv.conf's `nameserver` lines (config `dns.servers`). */
  servers?: DnsServer[];
  now?: () => number;
  /** Files are read again when older than this. Default 30 s. */
  rereadMs?: number;
  /** TTL given to `/etc/hosts` answers, seconds. Default 60. */
  hostsTtl?: number;
}

/** Creates the lookup; see the module doc. */
export function createSystemLookup(options: SystemLookupOptions = {}): SystemLookup {
  const client = options.client ?? createDnsClient();
  // Synchronous and bounded (see base/read_bounded.ts): every lookup waits while these are read.
  const read = options.readTextFile ??
    ((p) =>
      new Promise<string>((resolve) => resolve(readTextBoundedSync(p, MAX_SYSTEM_FILE_BYTES))));
  const now = options.now ?? (() => performance.now());
  const rereadMs = options.rereadMs ?? 30_000;
  let files: { conf: ResolvConf; hosts: HostsTable; at: number } | undefined;
  let loading: Promise<NonNullable<typeof files>> | undefined;

  const load = async () => {
    const [conf, hosts] = await Promise.all([
      read(options.resolvConfPath ?? "/etc/resolv.conf").then(
        parseResolvConf,
        () => RESOLV_DEFAULTS,
      ),
      read(options.hostsPath ?? "/etc/hosts").then(parseHosts, () => new Map() as HostsTable),
    ]);
    return files = { conf, hosts, at: now() };
  };
  const current = () => {
    if (files && now() - files.at < rereadMs) return Promise.resolve(files);
    return loading ??= load().finally(() => (loading = undefined));
  };

  const lookup: Lookup = async (name, type, signal, server) => {
    const { conf, hosts } = await current();
    const fromHosts = hosts.get(name.toLowerCase().replace(/\.$/, ""))?.[type === "A" ? 4 : 6];
    if (fromHosts?.length) {
      return fromHosts.map((address) => ({ address, ttl: options.hostsTtl ?? 60 }));
    }
    const servers = server ? [server] : options.servers?.length ? options.servers : conf.servers;
    let first: DnsError | undefined;
    for (const candidate of candidateNames(name, conf)) {
      const r = await client.query(servers, candidate, type, {
        timeoutMs: conf.timeoutMs,
        attempts: conf.attempts,
        signal,
      }).catch((e) => {
        if (!(e instanceof DnsError)) throw e;
        throw new DnsError(e.kind, `Cannot resolve ${name}: ${e.message}`);
      });
      const found = addressesOf(r.packet, candidate, type);
      if (found.length) return found;
      first ??= negative(r.packet, name, type);
    }
    throw first!;
  };
  return Object.assign(lookup, {
    servers: async () => options.servers?.length ? options.servers : (await current()).conf.servers,
  });
}

/** The addresses of `type` for `name` in an answer section, following CNAMEs (at most 8). */
export function addressesOf(p: DecodedPacket, name: string, type: "A" | "AAAA"): TtlAddress[] {
  const answers = (p.answers ?? []) as (Answer & { ttl?: number; data?: unknown })[];
  let current = name.toLowerCase().replace(/\.$/, "");
  let ttl = Infinity;
  for (let hops = 0; hops < 8; hops++) {
    const cname = answers.find((a) => a.type === "CNAME" && same(a.name, current));
    if (!cname) break;
    ttl = Math.min(ttl, cname.ttl ?? 0);
    current = String(cname.data).toLowerCase().replace(/\.$/, "");
  }
  return answers
    .filter((a) => a.type === type && same(a.name, current) && typeof a.data === "string")
    .map((a) => ({ address: a.data as string, ttl: Math.min(ttl, a.ttl ?? 0) }));
}

const same = (a: string, b: string) => a.toLowerCase().replace(/\.$/, "") === b;

/** The error for an answer without addresses, with the SOA minimum as its TTL. */
function negative(p: DecodedPacket, name: string, type: string): DnsError {
  const soa = (p.authorities ?? []).find((a) => a.type === "SOA") as
    | (Answer & { ttl?: number; data: { minimum?: number } })
    | undefined;
  const ttl = soa ? Math.min(soa.ttl ?? 0, soa.data.minimum ?? Infinity) : undefined;
  return rcodeOf(p) === "NXDOMAIN"
    ? new DnsError("nxdomain", `Cannot resolve ${name}: no such host (NXDOMAIN)`, ttl)
    : new DnsError("nodata", `Cannot resolve ${name}: no ${type} record`, ttl);
}
