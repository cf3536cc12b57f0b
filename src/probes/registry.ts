/** @module The probe registry: one line per probe type. */
import type { Probe } from "./types.ts";
import type { ProbeType } from "../results/types.ts";
import type { Resolver } from "../net/resolver.ts";
import type { Registry } from "prom-client";
import { createTcpProbe } from "./tcp.ts";
import { createUdpProbe } from "./udp.ts";
import { createIcmpProbe } from "./icmp/icmp_probe.ts";

/** What probe factories may use. */
export interface ProbeDeps {
  resolver: Resolver;
  registry: Registry;
}

type Factory = (deps: ProbeDeps) => Probe;

const FACTORIES: Partial<Record<ProbeType, Factory>> = {
  tcp: (deps) => createTcpProbe({ resolver: deps.resolver }),
  udp: (deps) => createUdpProbe({ resolver: deps.resolver, registry: deps.registry }),
  icmp: (deps) => createIcmpProbe({ resolver: deps.resolver, registry: deps.registry }),
};

/** Creates one probe of each known type. */
export function createProbes(deps: ProbeDeps): Map<ProbeType, Probe> {
  const out = new Map<ProbeType, Probe>();
  for (const [type, factory] of Object.entries(FACTORIES)) {
    out.set(type as ProbeType, factory!(deps));
  }
  return out;
}

/** Closes the probes that hold shared resources (the UDP socket pool, the ICMP sockets). */
export async function closeProbes(probes: Map<ProbeType, Probe>): Promise<void> {
  for (const p of probes.values()) await p[Symbol.asyncDispose]?.();
}
