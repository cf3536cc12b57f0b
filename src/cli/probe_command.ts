/** @module `vmprober probe tcp|udp|icmp|http|dns|path TARGET`: one probe now, human or JSON output. */
import { createProbes } from "../probes/registry.ts";
import { createSystemResolver } from "../net/dns/system_resolver.ts";
import { parseAddress } from "../net/address.ts";
import { parseDuration } from "../config/units.ts";
import { probeModule } from "../config/schema.ts";
import type { ProbeJob } from "../schedule/job.ts";
import type { ProbeType } from "../config/schema.ts";
import { Registry } from "../base/prom.ts";
import { PROBE_HELP } from "./help.ts";
import { err, out, parseFlags, UsageError } from "./args.ts";
import { gaugeLines, gaugeObject, HTTP_DNS_FLAGS, httpDnsModule } from "./probe_http_dns.ts";
import { PATH_FLAGS, pathTable } from "./probe_path.ts";
import { httpTarget, looksLikeUrl, urlProblem } from "../net/target_url.ts";

const TYPES: ProbeType[] = ["tcp", "udp", "icmp", "http", "dns", "path"];

/** Runs the command; exit 0 on success, 2 on probe failure, 1 on usage errors. */
export async function probeCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    port: { type: "string", short: "p" },
    timeout: { type: "string", short: "t" },
    send: { type: "string" },
    expect: { type: "string" },
    payload: { type: "string" },
    "payload-hex": { type: "string" },
    count: { type: "string" },
    interval: { type: "string" },
    size: { type: "string" },
    helper: { type: "string" },
    ip4: { type: "boolean" },
    ip6: { type: "boolean" },
    json: { type: "boolean" },
    ...HTTP_DNS_FLAGS,
    ...PATH_FLAGS,
  });
  if (values.help) return (out(PROBE_HELP), 0);
  const [type, target] = positionals as [ProbeType | undefined, string | undefined];
  if (!type || !TYPES.includes(type)) {
    throw new UsageError(`expected a probe type: tcp, udp, icmp, http, dns or path`);
  }
  if (!target) throw new UsageError(`expected a TARGET after "${type}"`);
  let addr;
  try {
    if (type === "http" && looksLikeUrl(target)) {
      const why = urlProblem(target);
      if (why) throw new Error(`Cannot use "${target}": ${why}`);
      const u = httpTarget(target);
      addr = { host: u.host, port: u.port };
    } else addr = parseAddress(target);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const raw: Record<string, unknown> = type === "http" || type === "dns"
    ? httpDnsModule(type, values)
    : { type };
  const num = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) throw new UsageError(`--${name}: expected a whole number, got "${v}"`);
    return Number(v);
  };
  if (type !== "icmp" && type !== "http" && type !== "path") raw.port = num("port", values.port);
  if (values.send !== undefined) raw.send = values.send;
  if (values.expect !== undefined) raw.expect = values.expect;
  if (values.payload !== undefined) raw.payload = values.payload;
  if (values["payload-hex"] !== undefined) raw.payload_hex = values["payload-hex"];
  if (type === "icmp") {
    raw.count = num("count", values.count) ?? 3;
    if (values.interval) raw.packet_interval = values.interval;
    raw.size = num("size", values.size);
    if (values.helper) raw.helper = values.helper;
  }
  if (type === "path") {
    raw.max_hops = num("max-hops", values["max-hops"]);
    if (values.protocol) raw.protocol = values.protocol;
    raw.port = num("port", values.port);
    raw.count = num("count", values.count);
    if (values.interval) raw.packet_interval = values.interval;
    raw.size = num("size", values.size);
  }
  for (const k of Object.keys(raw)) if (raw[k] === undefined) delete raw[k];
  const parsed = probeModule.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new UsageError(`${i.path.join(".") || type}: ${i.message}`);
  }
  let timeoutMs = 5000;
  if (values.timeout) {
    try {
      timeoutMs = parseDuration(values.timeout);
    } catch (e) {
      throw new UsageError(`--timeout: ${(e as Error).message}`);
    }
  }
  const module = parsed.data;
  const port = addr.port ?? ("port" in module ? module.port : undefined) ??
    (type === "http" ? 80 : type === "dns" ? 53 : undefined);
  if (type !== "icmp" && type !== "path" && port === undefined) {
    throw new UsageError(`${type} needs a port: TARGET:PORT or --port N`);
  }
  const job: ProbeJob = {
    target,
    host: addr.host,
    port: type === "icmp" || type === "path" ? undefined : port,
    probe: type,
    type,
    timeoutMs,
    ipProtocol: values.ip6 ? "ip6" : values.ip4 ? "ip4" : "auto",
    options: module,
  };
  const { resolver, client: dns, servers } = createSystemResolver();
  const probes = createProbes({ resolver, registry: new Registry(), dns, dnsServers: servers });
  const probe = probes.get(type);
  if (!probe) {
    err(`Cannot run a ${type} probe: not available in this build`);
    return 2;
  }
  const started = Date.now();
  const outcome = await probe.run(job, new AbortController().signal);
  await probes[Symbol.asyncDispose]();
  if (values.json) {
    const { gauges, ...rest } = outcome;
    const metrics = gauges ? { metrics: gaugeObject(outcome) } : {};
    out(JSON.stringify({ target, type, timestamp_ms: started, ...rest, ...metrics }));
  } else {
    const ms = (outcome.durationSeconds * 1000).toFixed(3);
    if (outcome.success) {
      out(
        `${type} ${target}: OK in ${ms} ms${
          outcome.ipProtocol ? ` (IPv${outcome.ipProtocol})` : ""
        }`,
      );
    } else {out(
        `${type} ${target}: FAILED (${outcome.reason}) after ${ms} ms${
          outcome.detail ? `: ${outcome.detail}` : ""
        }`,
      );}
    if (outcome.path) { for (const line of pathTable(outcome)) out(line); }
    else for (const line of gaugeLines(outcome)) out(line);
    if (outcome.icmp) {
      const i = outcome.icmp;
      const f = (s: number) => (s * 1000).toFixed(3);
      out(`  ${i.sent} sent, ${i.received} received, ${(i.lossRatio * 100).toFixed(1)}% loss`);
      if (i.received > 0) {
        out(
          `  rtt min/avg/median/max/stddev = ${f(i.minSeconds)}/${f(i.avgSeconds)}/${
            f(i.medianSeconds)
          }/${f(i.maxSeconds)}/${f(i.stddevSeconds)} ms`,
        );
      }
    }
  }
  return outcome.success ? 0 : 2;
}
