import assert from "node:assert/strict";
import { createDnsProbe, type DnsProbeOptions } from "../../../src/probes/dns/dns_probe.ts";
import { createDnsClient } from "../../../src/net/dns/dns_client.ts";
import { createResolver } from "../../../src/net/resolver.ts";
import { type ModuleOf, probeModule } from "../../../src/config/schema.ts";
import type { ProbeJob } from "../../../src/schedule/job.ts";
import type { ProbeOutcome } from "../../../src/probes/types.ts";
import { a, soa, startDnsResponder } from "../../_support/dns_responder.ts";
import { probeJob } from "../../_support/probe_job.ts";

const ZONES = {
  "example.test A": { answers: [a("example.test", "10.0.0.1", 300)] },
  "example.test AAAA": {
    answers: [{ type: "AAAA" as const, name: "example.test", ttl: 300, data: "2001:db8::1" }],
  },
  "example.test MX": {
    answers: [{
      type: "MX" as const,
      name: "example.test",
      ttl: 300,
      data: { preference: 10, exchange: "mx.example.test" },
    }],
    additionals: [a("mx.example.test", "10.0.0.25")],
  },
  "example.test SOA": { answers: [soa("example.test", 60, 2026120107)] },
  "example.test TXT": {
    answers: [{ type: "TXT" as const, name: "example.test", ttl: 300, data: "v=spf1 -all" }],
  },
  "gone.test A": { rcode: "NXDOMAIN" as const, authorities: [soa("test", 60)] },
  "broken.test A": { rcode: "SERVFAIL" as const },
  "big.test A": { truncate: true, answers: [a("big.test", "10.0.0.9")] },
  "mute.test A": { silent: true },
};

/** The job the scheduler would hand the probe: `target` (default the responder) with `module`. */
function dnsJob(
  module: Record<string, unknown>,
  at: { host: string; port: number; target?: string },
  timeoutMs = 1000,
): ProbeJob<"dns"> {
  const options = probeModule.parse({ type: "dns", ...module }) as ModuleOf<"dns">;
  return probeJob("dns", options, { ...at, timeoutMs });
}

function run(job: ProbeJob<"dns">, systemServers?: DnsProbeOptions["systemServers"]) {
  const p = createDnsProbe({
    resolver: createResolver(),
    client: createDnsClient(),
    systemServers,
  });
  return p.run(job, new AbortController().signal);
}

const probe = (port: number, module: Record<string, unknown>, timeoutMs = 1000) =>
  run(dnsJob(module, { host: "127.0.0.1", port }, timeoutMs));

const gauge = (o: ProbeOutcome, name: string, phase?: string) =>
  o.gauges?.find((g) => g.name === name && (!phase || g.labels?.[0]?.[1] === phase))?.value;

Deno.test("dns probe answers A, AAAA, MX, TXT and SOA with blackbox's metrics", async () => {
  await using dns = startDnsResponder(ZONES);
  for (const type of ["A", "AAAA", "MX", "TXT"]) {
    const o = await probe(dns.port, { query_name: "example.test", query_type: type });
    assert.equal(o.success, true, `${type}: ${o.detail}`);
    assert.equal(gauge(o, "probe_dns_answer_rrs"), 1);
    assert.equal(gauge(o, "probe_dns_query_succeeded"), 1);
    assert.equal(gauge(o, "probe_dns_serial"), undefined);
  }
  const mx = await probe(dns.port, { query_name: "example.test", query_type: "MX" });
  assert.equal(gauge(mx, "probe_dns_additional_rrs"), 1);
  const s = await probe(dns.port, { query_name: "example.test", query_type: "SOA" });
  assert.equal(gauge(s, "probe_dns_serial"), 2026120107);
  assert.deepEqual(
    s.gauges?.filter((g) => g.name === "probe_dns_duration_seconds").map((g) => g.labels?.[0]),
    [["phase", "resolve"], ["phase", "connect"], ["phase", "request"]],
  );
});

Deno.test("dns probe fails NXDOMAIN unless valid_rcodes allows it", async () => {
  await using dns = startDnsResponder(ZONES);
  const nx = await probe(dns.port, { query_name: "gone.test", query_type: "A" });
  assert.equal(nx.success, false);
  assert.equal(nx.reason, "mismatch");
  assert.equal(nx.detail, "rcode NXDOMAIN is not one of NOERROR");
  assert.equal(gauge(nx, "probe_dns_query_succeeded"), 1, "the query itself worked");
  assert.equal(gauge(nx, "probe_dns_authority_rrs"), 1);
  const ok = await probe(dns.port, {
    query_name: "gone.test",
    query_type: "A",
    valid_rcodes: ["NXDOMAIN"],
  });
  assert.equal(ok.success, true);
  const sf = await probe(dns.port, { query_name: "broken.test", query_type: "A" });
  assert.equal(sf.detail, "rcode SERVFAIL is not one of NOERROR");
});

Deno.test("dns probe follows a truncated answer to TCP, and transport: tcp asks over TCP", async () => {
  await using dns = startDnsResponder(ZONES);
  const o = await probe(dns.port, { query_name: "big.test", query_type: "A" });
  assert.equal(o.success, true);
  assert.equal(gauge(o, "probe_dns_answer_rrs"), 1);
  const t = await probe(dns.port, {
    query_name: "example.test",
    query_type: "A",
    transport: "tcp",
  });
  assert.equal(t.success, true);
  assert.deepEqual(dns.log, ["udp big.test A", "tcp big.test A", "tcp example.test A"]);
});

Deno.test("dns probe times out on a silent server with query_succeeded 0", async () => {
  await using dns = startDnsResponder(ZONES);
  const o = await probe(dns.port, { query_name: "mute.test", query_type: "A" }, 300);
  assert.equal(o.success, false);
  assert.equal(o.reason, "timeout");
  assert.match(o.detail!, /^no answer in \d+ms from 127\.0\.0\.1:\d+$/);
  assert.equal(gauge(o, "probe_dns_query_succeeded"), 0);
  assert.ok(o.durationSeconds < 0.5);
});

/** Regex-list cases on `example.test MX`: module fields, then the outcome fields expected. */
const REGEX_CASES: [Record<string, unknown>, Partial<ProbeOutcome>, string?][] = [
  [
    {
      validate_answer_rrs: { fail_if_not_matches_regexp: ["IN\\tMX\\t10 mx\\.example\\.test\\.$"] },
    },
    { success: true },
  ],
  [{ validate_answer_rrs: { fail_if_matches_regexp: ["mx\\.example"] } }, {
    reason: "mismatch",
    detail:
      "answer section: a record matched /mx\\.example/: example.test.\t300\tIN\tMX\t10 mx.example.test.",
  }],
  [{ validate_additional_rrs: { fail_if_none_matches_regexp: ["10\\.0\\.0\\.25$"] } }, {
    success: true,
  }],
  [{ validate_authority_rrs: { fail_if_not_matches_regexp: ["."] } }, {
    detail: "authority section: fail_if_not_matches_regexp is set but no records came back",
  }],
  [
    { validate_answer_rrs: { fail_if_all_match_regexp: ["IN\\tA\\t"] } },
    { success: false },
    "as blackbox: fails unless every record matches",
  ],
];

Deno.test("dns probe validates records with the four regex lists (RE2, presentation text)", async () => {
  await using dns = startDnsResponder(ZONES);
  for (const [module, expected, message] of REGEX_CASES) {
    const o = await probe(dns.port, { query_name: "example.test", query_type: "MX", ...module });
    const got = Object.fromEntries(
      Object.keys(expected).map((k) => [k, o[k as keyof ProbeOutcome]]),
    );
    assert.deepEqual(got, expected, message ?? JSON.stringify(module));
  }
});

Deno.test("dns probe sends EDNS0 with the DO bit and RD as configured", async () => {
  await using dns = startDnsResponder(ZONES);
  await probe(dns.port, {
    query_name: "example.test",
    query_type: "A",
    dnssec_ok: true,
    recursion_desired: false,
  });
  const q = dns.lastQuery!;
  assert.equal(q.flag_rd, false);
  const opt = q.additionals?.find((r) => r.type === "OPT") as { flag_do?: boolean } | undefined;
  assert.equal(opt?.flag_do, true);
  await probe(dns.port, { query_name: "example.test", query_type: "A" });
  assert.equal(dns.lastQuery!.flag_rd, true);
  assert.equal(dns.lastQuery!.additionals?.length, 0);
});

/** Probes with the target as the name to ask: where the server comes from. */
const NAME_FROM_TARGET: {
  what: string;
  module: (port: number) => Record<string, unknown>;
  systemServers?: (port: number) => DnsProbeOptions["systemServers"];
}[] = [{
  what: "without query_name asks dns_server for the target name",
  module: (port) => ({ query_type: "A", dns_server: `127.0.0.1:${port}` }),
}, {
  what: "without query_name or dns_server asks the system's first server",
  module: () => ({ query_type: "A" }),
  systemServers: (port) => () => Promise.resolve([{ ip: "127.0.0.1", port, family: 4 }]),
}];

const targetJob = (module: Record<string, unknown>) =>
  dnsJob(module, { target: "example.test", host: "example.test", port: 53 });

for (const c of NAME_FROM_TARGET) {
  Deno.test(`dns probe ${c.what}`, async () => {
    await using dns = startDnsResponder(ZONES);
    const o = await run(targetJob(c.module(dns.port)), c.systemServers?.(dns.port));
    assert.equal(o.success, true, o.detail);
    assert.deepEqual(dns.log, ["udp example.test A"]);
  });
}

Deno.test("dns probe without query_name, dns_server or a system server says what to set", async () => {
  const none = await run(targetJob({ query_type: "A" }));
  assert.equal(none.detail, "set query_name (the target is the server) or dns_server");
});
