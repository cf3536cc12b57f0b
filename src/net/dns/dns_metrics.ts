/** @module The DNS client's own metrics: cache hits and misses, queries by rcode, ignored replies. */
import { Counter, type Registry } from "../../base/prom.ts";
import { type DnsHooks, IGNORE_REASONS } from "./types.ts";

/** Registers the metrics and returns the hooks that feed them. */
export function registerDnsMetrics(registry: Registry): DnsHooks {
  const registers = [registry];
  const cache = new Counter({
    name: "vmprober_dns_cache_requests_total",
    help: "Target name lookups answered from the cache (hit) or by a query (miss).",
    labelNames: ["result"],
    registers,
  });
  const queries = new Counter({
    name: "vmprober_dns_queries_total",
    help: "DNS queries sent, by the response code of the answer (or timeout, error).",
    labelNames: ["rcode"],
    registers,
  });
  const ignored = new Counter({
    name: "vmprober_dns_replies_ignored_total",
    help: "UDP datagrams not taken as a DNS answer (forged, stray or malformed), by reason.",
    labelNames: ["reason"],
    registers,
  });
  for (const r of ["hit", "miss"]) cache.inc({ result: r }, 0);
  for (const r of ["NOERROR", "NXDOMAIN", "SERVFAIL", "timeout"]) queries.inc({ rcode: r }, 0);
  for (const r of IGNORE_REASONS) ignored.inc({ reason: r }, 0);
  return {
    onCache: (result) => cache.inc({ result }),
    onQuery: (rcode) => queries.inc({ rcode }),
    onIgnored: (reason) => ignored.inc({ reason }),
  };
}
