/** @module The probe registry: one line per probe type; each probe is made on first use. */
import type { Probe } from "./types.ts";
import type { ProbeType } from "../config/schema.ts";
import type { Resolver } from "../net/resolver.ts";
import type { Registry } from "../base/prom.ts";
import type { DnsClient } from "../net/dns/dns_client.ts";
import type { DnsServer } from "../net/dns/types.ts";
import { createTcpProbe } from "./tcp.ts";
import { createUdpProbe } from "./udp.ts";
import { createIcmpProbe } from "./icmp/icmp_probe.ts";
import { createDnsProbe } from "./dns/dns_probe.ts";
import { createHttpProbe } from "./http/http_probe.ts";
import { createPathProbe } from "./path/path_probe.ts";
import { createDnsClient } from "../net/dns/dns_client.ts";

/** What probe factories may use. */
export interface ProbeDeps {
  resolver: Resolver;
  registry: Registry;
  /** The DNS client `type: dns` asks through (made with the resolver). */
  dns?: DnsClient;
  /** The system's name servers, for `type: dns` modules without a server. */
  dnsServers?: () => Promise<DnsServer[]>;
}

/** One factory per type, each making the probe of its own type. */
type Factories = { [T in ProbeType]?: (deps: ProbeDeps) => Probe<T> };

const FACTORIES: Factories = {
  tcp: (deps) => createTcpProbe({ resolver: deps.resolver }),
  udp: (deps) => createUdpProbe({ resolver: deps.resolver, registry: deps.registry }),
  icmp: (deps) => createIcmpProbe({ resolver: deps.resolver, registry: deps.registry }),
  http: (deps) => createHttpProbe({ resolver: deps.resolver }),
  path: (deps) => createPathProbe({ resolver: deps.resolver }),
  dns: (deps) =>
    createDnsProbe({
      resolver: deps.resolver,
      client: deps.dns ?? createDnsClient(),
      systemServers: deps.dnsServers,
    }),
};

/** Looks a probe up by type. */
export interface ProbeLookup {
  get(type: ProbeType): Probe | undefined;
}

/** The probes of every known type; disposing it closes those made (sockets, the UDP pool). */
export interface ProbeSet extends ProbeLookup, AsyncDisposable {
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * A probe set that makes each probe the first time its type is asked for: an agent without ICMP
 * targets never opens an ICMP socket nor loads the C library, and one without UDP targets keeps
 * no socket pool.
 */
export function createProbes(deps: ProbeDeps): ProbeSet {
  const made = new Map<ProbeType, Probe>();
  return {
    get(type) {
      let probe = made.get(type);
      if (!probe) {
        // A job's type picks its probe, so the job's options are the ones that probe reads.
        probe = FACTORIES[type]?.(deps) as Probe | undefined;
        if (probe) made.set(type, probe);
      }
      return probe;
    },
    async [Symbol.asyncDispose]() {
      for (const p of made.values()) await p[Symbol.asyncDispose]?.();
      made.clear();
    },
  };
}
