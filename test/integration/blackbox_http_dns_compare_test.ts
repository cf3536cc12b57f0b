/**
 * The same http(s) and dns modules run by Debian's prometheus-blackbox-exporter and by us on the
 * same loopback targets: the same probe_success, and the same metric names and label names (each
 * name we do not emit yet is listed, so a new gap fails the test); for the TLS set, probe_http_ssl
 * and the status code, the same label values and values too (HTTPS with a CA file and
 * server_name, insecure_skip_verify, an untrusted certificate, a wrong name, fail_if_not_ssl).
 */
import assert from "node:assert/strict";
import { createHttpProbe } from "../../src/probes/http/http_probe.ts";
import { createDnsProbe } from "../../src/probes/dns/dns_probe.ts";
import { createDnsClient } from "../../src/net/dns/dns_client.ts";
import { createResolver } from "../../src/net/resolver.ts";
import { createProbeMetrics } from "../../src/metrics/probe_metrics.ts";
import { type ModuleOf, probeModule } from "../../src/config/schema.ts";
import { httpTarget } from "../../src/net/target_url.ts";
import { parseAddress } from "../../src/net/address.ts";
import { startHttpServer } from "../_support/http_servers.ts";
import { selfSignedCert } from "../_support/self_signed_cert.ts";
import { a, soa, startDnsResponder } from "../_support/dns_responder.ts";

const BLACKBOX = "prometheus-blackbox-exporter";
/** Families blackbox emits that we do not (yet). */
const NOT_OURS = new Set<string>([]);
/** Families only we emit (our own, and the common ones blackbox leaves to the scrape). */
const ONLY_OURS = new Set([
  "vmprober_probe_duration_seconds",
  "vmprober_probes_total",
]);

interface Case {
  module: string;
  prober: "http" | "dns";
  blackbox: string;
  ours: Record<string, unknown>;
  /** The target from the http, https and dns servers' base URLs / address. */
  target: (web: string, dns: string, https: string) => string;
}

/** Replaced by the test certificate's file in both modules. */
const CA = "CA_FILE";

const CASES: Case[] = [
  { module: "http_2xx", prober: "http", blackbox: "{}", ours: {}, target: (w) => `${w}/ok` },
  { module: "http_2xx_404", prober: "http", blackbox: "{}", ours: {}, target: (w) => `${w}/404` },
  {
    module: "http_2xx_redirects",
    prober: "http",
    blackbox: "{}",
    ours: {},
    target: (w) => `${w}/redirect/3`,
  },
  {
    module: "http_body",
    prober: "http",
    blackbox: '{fail_if_body_matches_regexp: ["wor.d"]}',
    ours: { fail_if_body_matches_regexp: ["wor.d"] },
    target: (w) => `${w}/ok`,
  },
  {
    module: "https_2xx",
    prober: "http",
    blackbox: `{fail_if_not_ssl: true, tls_config: {ca_file: ${CA}, server_name: localhost}}`,
    ours: { fail_if_not_ssl: true, tls: { ca_file: CA, server_name: "localhost" } },
    target: (_w, _d, s) => `${s}/ok`,
  },
  {
    module: "https_insecure",
    prober: "http",
    blackbox: "{tls_config: {insecure_skip_verify: true}}",
    ours: { tls: { insecure_skip_verify: true } },
    target: (_w, _d, s) => `${s}/ok`,
  },
  {
    module: "https_untrusted",
    prober: "http",
    blackbox: "{}",
    ours: {},
    target: (_w, _d, s) => `${s}/ok`,
  },
  {
    module: "https_wrong_name",
    prober: "http",
    blackbox: `{tls_config: {ca_file: ${CA}, server_name: wrong.example}}`,
    ours: { tls: { ca_file: CA, server_name: "wrong.example" } },
    target: (_w, _d, s) => `${s}/ok`,
  },
  {
    module: "http_not_ssl",
    prober: "http",
    blackbox: "{fail_if_not_ssl: true}",
    ours: { fail_if_not_ssl: true },
    target: (w) => `${w}/ok`,
  },
  {
    module: "dns_a",
    prober: "dns",
    blackbox: "{query_name: example.test, query_type: A}",
    ours: { query_name: "example.test", query_type: "A" },
    target: (_, d) => d,
  },
  {
    module: "dns_soa",
    prober: "dns",
    blackbox: "{query_name: example.test, query_type: SOA}",
    ours: { query_name: "example.test", query_type: "SOA" },
    target: (_, d) => d,
  },
  {
    module: "dns_nx",
    prober: "dns",
    blackbox: "{query_name: gone.test, query_type: A}",
    ours: { query_name: "gone.test", query_type: "A" },
    target: (_, d) => d,
  },
  {
    module: "dns_validate",
    prober: "dns",
    blackbox:
      '{query_name: example.test, query_type: A, validate_answer_rrs: {fail_if_not_matches_regexp: ["IN\\tA\\t10\\\\.0\\\\.0\\\\.9"]}}',
    ours: {
      query_name: "example.test",
      query_type: "A",
      validate_answer_rrs: { fail_if_not_matches_regexp: ["IN\\tA\\t10\\.0\\.0\\.9"] },
    },
    target: (_, d) => d,
  },
];

/** Families whose labels and values must be the same as blackbox's, not only their names. */
const SAME_VALUES = new Set([
  "probe_ssl_earliest_cert_expiry",
  "probe_ssl_last_chain_expiry_timestamp_seconds",
  "probe_ssl_last_chain_info",
  "probe_tls_version_info",
  "probe_http_ssl",
  "probe_http_status_code",
]);

const JOB_LABELS = new Set(["instance", "job", "probe", "type", "target"]);

/** name → label names, and probe_success, from an exposition; the lines of SAME_VALUES. */
function families(text: string) {
  const out = new Map<string, Set<string>>();
  const lines: string[] = [];
  let success: number | undefined;
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || line === "") continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const names = new Set(
      (m[2] ?? "").split(/,(?=[a-zA-Z_][a-zA-Z0-9_]*=)/).map((kv) => kv.split("=")[0]!).filter(
        Boolean,
      ),
    );
    const known = out.get(m[1]!) ?? new Set();
    for (const n of names) known.add(n);
    out.set(m[1]!, known);
    if (m[1] === "probe_success") success = Number(m[3]);
    if (SAME_VALUES.has(m[1]!)) {
      // Our job's labels (instance, job, probe, type, target) are what a scrape adds to theirs.
      const own = (m[2] ?? "").split(/,(?=[a-zA-Z_][a-zA-Z0-9_]*=)/).filter((kv) =>
        kv !== "" && !JOB_LABELS.has(kv.split("=")[0]!)
      );
      lines.push(`${m[1]}{${own.sort().join(",")}} ${Number(m[3])}`);
    }
  }
  return { out, success, lines: lines.sort() };
}

Deno.test({
  name: "blackbox_exporter and we agree on probe_success and metric names for http and dns modules",
  async fn() {
    await using web = startHttpServer();
    const pair = await selfSignedCert(30);
    await using secure = startHttpServer(pair);
    await using dns = startDnsResponder({
      "example.test A": { answers: [a("example.test", "10.0.0.9", 300)] },
      "example.test SOA": { answers: [soa("example.test", 60, 2026120111)] },
      "gone.test A": { rcode: "NXDOMAIN", authorities: [soa("test", 60)] },
    });
    const dir = await Deno.makeTempDir();
    const yaml = "modules:\n" +
      CASES.map((c) =>
        `  ${c.module}:\n    prober: ${c.prober}\n    timeout: 2s\n    ${c.prober}: ${
          c.blackbox.replaceAll(CA, pair.certFile)
        }\n`
      ).join("");
    await Deno.writeTextFile(`${dir}/bbe.yml`, yaml);
    const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (l.addr as Deno.NetAddr).port;
    l.close();
    const child = new Deno.Command(BLACKBOX, {
      args: [
        `--config.file=${dir}/bbe.yml`,
        `--web.listen-address=127.0.0.1:${port}`,
        "--log.level=error",
      ],
      stdout: "null",
      stderr: "piped",
    }).spawn();
    try {
      for (let i = 0; i < 200; i++) {
        try {
          const r = await fetch(`http://127.0.0.1:${port}/-/healthy`);
          await r.body?.cancel();
          if (r.ok) break;
        } catch { /* not yet */ }
        await new Promise((r) => setTimeout(r, 25));
      }
      const resolver = createResolver();
      const client = createDnsClient();
      for (const c of CASES) {
        const target = c.target(web.url, `127.0.0.1:${dns.port}`, secure.url);
        const r = await fetch(
          `http://127.0.0.1:${port}/probe?module=${c.module}&target=${encodeURIComponent(target)}`,
        );
        const theirs = families(await r.text());
        const module = JSON.parse(JSON.stringify(c.ours).replaceAll(CA, pair.certFile));
        const options = probeModule.parse({ type: c.prober, ...module });
        const common = { target, probe: c.module, timeoutMs: 2000, ipProtocol: "ip4" as const };
        const never = new AbortController().signal;
        const outcome = c.prober === "http"
          ? await createHttpProbe({ resolver }).run({
            ...common,
            host: httpTarget(target).host,
            port: httpTarget(target).port,
            type: "http",
            options: options as ModuleOf<"http">,
          }, never)
          : await createDnsProbe({ resolver, client }).run({
            ...common,
            host: parseAddress(target).host,
            port: parseAddress(target).port,
            type: "dns",
            options: options as ModuleOf<"dns">,
          }, never);
        const m = createProbeMetrics({ buckets: [1] });
        m.write([{
          ...outcome,
          key: `${c.module}|${target}`,
          timestampMs: Date.now(),
          target,
          probe: c.module,
          type: c.prober,
          labels: {},
          attempts: 1,
        }]);
        const ours = families(m.render());
        assert.equal(
          ours.success,
          theirs.success,
          `${c.module}: probe_success (${outcome.detail})`,
        );
        const theirNames = [...theirs.out.keys()].filter((n) => !NOT_OURS.has(n)).sort();
        const ourNames = [...ours.out.keys()].filter((n) =>
          !ONLY_OURS.has(n) && !n.startsWith("vmprober_")
        ).sort();
        assert.deepEqual(ourNames, theirNames, `${c.module}: metric names`);
        for (const name of theirNames) {
          const extra = [...theirs.out.get(name)!];
          for (const label of extra) {
            assert.ok(ours.out.get(name)!.has(label), `${c.module}: ${name} has label ${label}`);
          }
        }
        assert.deepEqual(ours.lines, theirs.lines, `${c.module}: TLS and status values`);
      }
    } finally {
      child.kill("SIGTERM");
      await child.status;
      await child.stderr.cancel();
      await Deno.remove(dir, { recursive: true });
      await Deno.remove(pair.dir, { recursive: true });
    }
  },
});
