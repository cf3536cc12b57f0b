/**
 * @module The agent's resolver and DNS client, made once from the config's `dns` section and
 * counted in its metrics: every target name and every `type: dns` probe go through them.
 */
import type { Registry } from "../../base/prom.ts";
import { createResolver, type Resolver } from "../resolver.ts";
import { createDnsClient, type DnsClient } from "./dns_client.ts";
import { createSystemLookup } from "./system_lookup.ts";
import { registerDnsMetrics } from "./dns_metrics.ts";
import { parseDnsServer } from "./dns_server.ts";
import type { DnsServer } from "./types.ts";

/** The config's `dns` section (validated; durations in ms). */
export interface DnsSettings {
  servers?: string[];
  min_ttl?: number;
  max_ttl?: number;
  negative_ttl?: number;
  resolv_conf?: string;
  hosts_file?: string;
}

/** Creates the resolver and the client, with metrics in `registry` when given. */
export function createSystemResolver(
  settings: DnsSettings = {},
  registry?: Registry,
): { resolver: Resolver; client: DnsClient; servers: () => Promise<DnsServer[]> } {
  const hooks = registry ? registerDnsMetrics(registry) : {};
  const client = createDnsClient({ hooks });
  const lookup = createSystemLookup({
    client,
    servers: settings.servers?.map(parseDnsServer),
    resolvConfPath: settings.resolv_conf,
    hostsPath: settings.hosts_file,
  });
  const resolver = createResolver({
    lookup,
    hooks,
    minTtlMs: settings.min_ttl,
    maxTtlMs: settings.max_ttl,
    negativeTtlMs: settings.negative_ttl,
  });
  return { resolver, client, servers: lookup.servers };
}
