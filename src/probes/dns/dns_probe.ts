/**
 * @module `type: dns`, blackbox_exporter's DNS prober: asks the target (a name server, port 53
 * unless set) for `query_name`/`query_type` over `transport`, then checks the response code
 * against `valid_rcodes` and each section's records against its regex lists. Without
 * `query_name` the target is the name asked, of the module's `dns_server` (else the first
 * resolv.conf server).
 */
import type { Probe } from "../types.ts";
import type { ProbeJob } from "../../schedule/job.ts";
import type { ProbeOutcome } from "../types.ts";
import type { Resolver } from "../../net/resolver.ts";
import type { DnsClient } from "../../net/dns/dns_client.ts";
import type { DnsServer, QueryType } from "../../net/dns/types.ts";
import { literalAddress } from "../../net/resolver.ts";
import { DnsError } from "../../net/dns/dns_error.ts";
import { moduleResolveOptions } from "../../net/dns/dns_server.ts";
import { rcodeOf } from "../../net/dns/wire.ts";
import { compilePeerRegex } from "../../base/peer_regex.ts";
import { rrText } from "./rr_text.ts";
import { type RrRules, validateRrs } from "./rr_validate.ts";
import { type DnsFigures, dnsGauges } from "./dns_gauges.ts";

/** Options of {@linkcode createDnsProbe}. */
export interface DnsProbeOptions {
  resolver: Resolver;
  client: DnsClient;
  /** The system's name servers (resolv.conf), asked when a module has neither query_name nor dns_server. */
  systemServers?: () => Promise<DnsServer[]>;
}

type Validator = Partial<
  Record<
    | "fail_if_matches_regexp"
    | "fail_if_all_match_regexp"
    | "fail_if_not_matches_regexp"
    | "fail_if_none_matches_regexp",
    string[]
  >
>;

const compiled = new WeakMap<object, RrRules>();
const rulesOf = (v: Validator | undefined): RrRules | undefined => {
  if (!v) return undefined;
  let r = compiled.get(v);
  if (!r) {
    const c = (l?: string[]) => (l ?? []).map(compilePeerRegex);
    r = {
      failIfMatches: c(v.fail_if_matches_regexp),
      failIfAllMatch: c(v.fail_if_all_match_regexp),
      failIfNotMatches: c(v.fail_if_not_matches_regexp),
      failIfNoneMatches: c(v.fail_if_none_matches_regexp),
    };
    compiled.set(v, r);
  }
  return r;
};

/** Creates the DNS probe. */
export function createDnsProbe(deps: DnsProbeOptions): Probe<"dns"> {
  return {
    type: "dns",
    async run(job: ProbeJob<"dns">, signal: AbortSignal): Promise<ProbeOutcome> {
      const start = performance.now();
      const took = () => (performance.now() - start) / 1000;
      const o = job.options;
      const type = (o.query_type ?? "ANY") as QueryType;
      const f: DnsFigures = {
        lookupSeconds: 0,
        resolveSeconds: 0,
        connectSeconds: 0,
        requestSeconds: 0,
        answer: 0,
        authority: 0,
        additional: 0,
        succeeded: false,
        serial: type === "SOA" ? 0 : undefined,
      };
      const fail = (reason: ProbeOutcome["reason"], detail: string, ipProtocol?: 4 | 6) => ({
        success: false,
        durationSeconds: took(),
        reason,
        detail,
        ipProtocol,
        gauges: dnsGauges(f),
      });
      let server: DnsServer;
      let name: string;
      if (o.query_name) {
        name = o.query_name;
        let ip = literalAddress(job.host);
        if (!ip) {
          try {
            ip = await deps.resolver.resolve(
              job.host,
              job.ipProtocol,
              signal,
              moduleResolveOptions(o),
            );
          } catch (e) {
            f.lookupSeconds = f.resolveSeconds = took();
            return fail(signal.aborted ? "timeout" : "dns", String((e as Error).message ?? e));
          }
        }
        f.lookupSeconds = f.resolveSeconds = took();
        server = { ip: ip.ip, family: ip.family, port: job.port ?? o.port ?? 53 };
      } else {
        const s = moduleResolveOptions(o).server ?? (await deps.systemServers?.())?.[0];
        if (!s) return fail("error", "set query_name (the target is the server) or dns_server");
        server = s;
        name = job.host;
      }
      try {
        const r = await deps.client.exchange(server, name, type, {
          transport: o.transport ?? "udp",
          recursionDesired: o.recursion_desired ?? true,
          dnssecOk: o.dnssec_ok === true,
          timeoutMs: Math.max(1, job.timeoutMs - (performance.now() - start)),
          signal,
        });
        const p = r.packet;
        f.connectSeconds = r.connectSeconds;
        f.requestSeconds = r.requestSeconds;
        f.answer = p.answers?.length ?? 0;
        f.authority = p.authorities?.length ?? 0;
        f.additional = p.additionals?.length ?? 0;
        f.succeeded = true;
        if (type === "SOA") {
          const soa = p.answers?.find((a) => a.type === "SOA") as { data?: { serial?: number } };
          f.serial = soa?.data?.serial ?? 0;
        }
        const rcode = rcodeOf(p);
        const valid: string[] = o.valid_rcodes ?? ["NOERROR"];
        if (!valid.includes(rcode)) {
          return fail(
            "mismatch",
            `rcode ${rcode} is not one of ${valid.join(", ")}`,
            server.family,
          );
        }
        for (
          const [section, records, rules] of [
            ["answer", p.answers, rulesOf(o.validate_answer_rrs)],
            ["authority", p.authorities, rulesOf(o.validate_authority_rrs)],
            ["additional", p.additionals, rulesOf(o.validate_additional_rrs)],
          ] as const
        ) {
          if (!rules) continue;
          const why = validateRrs((records ?? []).map(rrText), rules);
          if (why) return fail("mismatch", `${section} section: ${why}`, server.family);
        }
        return {
          success: true,
          durationSeconds: took(),
          ipProtocol: server.family,
          gauges: dnsGauges(f),
        };
      } catch (e) {
        const timeout = e instanceof DnsError && e.kind === "timeout";
        return fail(
          timeout ? "timeout" : "error",
          String((e as Error).message ?? e),
          server.family,
        );
      }
    },
  };
}
