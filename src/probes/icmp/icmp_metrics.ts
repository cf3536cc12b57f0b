/** @module The ICMP helper's own metrics: which helper runs, and every packet it ignored. */
import { Counter, Gauge, type Registry } from "../../base/prom.ts";
import { IGNORE_REASONS, type IgnoreReason } from "./echo_packet.ts";
import type { HelperName } from "./types.ts";

/** The ICMP helper metrics, registered once per registry. */
export interface IcmpMetrics {
  /** `vmprober_icmp_helper_info{helper,family}` = 1 for each helper serving that family. */
  setHelper(helper: HelperName, families: readonly (4 | 6)[]): void;
  /** `vmprober_icmp_packets_ignored_total{reason,family}`. */
  ignored(reason: IgnoreReason, family: 4 | 6): void;
}

function getOrCreate<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

/** Registers (or finds) the ICMP helper metrics in `registry`. */
export function icmpMetrics(registry: Registry): IcmpMetrics {
  const info = getOrCreate(registry, "vmprober_icmp_helper_info", () =>
    new Gauge({
      name: "vmprober_icmp_helper_info",
      help: "The ICMP helper in use per address family (socket: in-process FFI; ping: system ping)",
      labelNames: ["helper", "family"],
      registers: [registry],
    }));
  const ignored = getOrCreate(registry, "vmprober_icmp_packets_ignored_total", () => {
    const c = new Counter({
      name: "vmprober_icmp_packets_ignored_total",
      help: "ICMP packets received and ignored, by reason",
      labelNames: ["reason", "family"],
      registers: [registry],
    });
    for (const reason of IGNORE_REASONS) {
      for (const family of ["4", "6"]) c.inc({ reason, family }, 0);
    }
    return c;
  });
  return {
    setHelper(helper, families) {
      for (const family of families) info.set({ helper, family: String(family) }, 1);
    },
    ignored(reason, family) {
      ignored.inc({ reason, family: String(family) });
    },
  };
}
