/**
 * @module One blackbox_exporter module → one VMProber probe module (pure): the keys that map,
 * and a comment for every option that has none yet. Works on plain data; the importer checks
 * shapes and positions first.
 */
import { formatDuration, parseDuration } from "./units.ts";

/** The lines of one translated module, indented under `probes:`, or why it cannot be read. */
export type ModuleLines = { lines: string[] } | { error: string; path: string[] };

/** Keys each part of a blackbox module may have (blackbox refuses others). */
export const KNOWN_KEYS: Record<string, readonly string[]> = {
  module: ["prober", "timeout", "http", "tcp", "icmp", "dns", "grpc"],
  tcp: [
    "preferred_ip_protocol",
    "ip_protocol_fallback",
    "source_ip_address",
    "query_response",
    "tls",
    "tls_config",
  ],
  icmp: [
    "preferred_ip_protocol",
    "ip_protocol_fallback",
    "source_ip_address",
    "payload_size",
    "dont_fragment",
    "ttl",
  ],
  tls_config: [
    "ca",
    "ca_file",
    "cert",
    "cert_file",
    "key",
    "key_file",
    "server_name",
    "insecure_skip_verify",
    "min_version",
    "max_version",
  ],
  query_response: ["expect", "send", "starttls"],
};

const LATER = new Set(["http", "dns", "grpc"]);
const str = (v: unknown) => JSON.stringify(String(v));
type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? v as Obj : {});

/** `preferred_ip_protocol` + `ip_protocol_fallback` → our `ip_protocol`, with a note when they differ. */
function ipProtocol(part: Obj, out: string[]): void {
  const preferred = String(part.preferred_ip_protocol ?? "ip6");
  const fallback = part.ip_protocol_fallback ?? true;
  if (fallback === false) {
    out.push(`    ip_protocol: ${preferred === "ip4" ? "ip4" : "ip6"}`);
  } else if (preferred === "ip4") {
    out.push("    ip_protocol: auto");
  } else {
    out.push(
      "    ip_protocol: auto # blackbox: IPv6 first, falling back to IPv4; auto tries IPv4 first (no equivalent yet)",
    );
  }
  if (part.source_ip_address !== undefined) {
    out.push(`    # source_ip_address: ${str(part.source_ip_address)} has no equivalent yet`);
  }
}

/** Why `re` (RE2 syntax, blackbox's) does not compile here, or undefined. */
function regexProblem(re: string): string | undefined {
  try {
    new RegExp(re);
    return undefined;
  } catch (e) {
    return (e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, "")
      .toLowerCase();
  }
}

function tcpLines(tcp: Obj, out: string[]): string | undefined {
  ipProtocol(tcp, out);
  const steps = Array.isArray(tcp.query_response) ? tcp.query_response.map(obj) : [];
  // We send (once) right after connecting, then match (once): [send], [expect], [send, expect].
  let i = 0;
  if (steps[i] && steps[i]!.send !== undefined && steps[i]!.expect === undefined) {
    out.push(`    send: ${str(steps[i]!.send)}`);
    i++;
  }
  if (steps[i] && steps[i]!.expect !== undefined && steps[i]!.send === undefined) {
    const problem = regexProblem(String(steps[i]!.expect));
    if (problem) {
      out.push(
        `    # expect: ${
          str(steps[i]!.expect)
        } is not a valid JavaScript regular expression (${problem}): rewrite it`,
      );
    } else out.push(`    expect: ${str(steps[i]!.expect)}`);
    i++;
  }
  for (; i < steps.length; i++) {
    out.push(
      `    # query_response[${i}]: ${
        JSON.stringify(steps[i])
      } has no equivalent yet (one send, then one expect)`,
    );
  }
  for (const [i, s] of steps.entries()) {
    if (s.starttls) out.push(`    # query_response[${i}].starttls has no equivalent yet`);
  }
  if (tcp.tls === true) out.push("    tls: true");
  const tlsConfig = obj(tcp.tls_config);
  for (const [k, v] of Object.entries(tlsConfig)) {
    if (k === "insecure_skip_verify") out.push(`    tls_insecure_skip_verify: ${v === true}`);
    else if (k === "server_name") out.push(`    tls_server_name: ${str(v)}`);
    else out.push(`    # tls_config.${k} has no equivalent yet`);
  }
  return undefined;
}

function icmpLines(icmp: Obj, out: string[]): void {
  out.push("    count: 1 # blackbox sends one echo request per probe");
  ipProtocol(icmp, out);
  if (icmp.payload_size !== undefined) out.push(`    size: ${Number(icmp.payload_size)}`);
  if (icmp.ttl !== undefined) out.push(`    ttl: ${Number(icmp.ttl)}`);
  if (icmp.dont_fragment) out.push("    # dont_fragment: true has no equivalent yet");
}

/** Translates module `name` (already shape-checked). */
export function translateModule(name: string, module: Obj): ModuleLines {
  const prober = module.prober;
  if (typeof prober === "string" && LATER.has(prober)) {
    return {
      lines: [
        prober === "grpc"
          ? `  # ${name}: prober grpc is not yet supported; module left out`
          : `  # ${name}: prober ${prober} is not translated yet; write a type: ${prober} module by hand; module left out`,
      ],
    };
  }
  if (prober !== "tcp" && prober !== "icmp") {
    return {
      error: `expected prober tcp, icmp, http, dns or grpc, got ${JSON.stringify(prober)}`,
      path: ["modules", name, "prober"],
    };
  }
  const out = [`  ${name}:`, `    type: ${prober}`];
  if (module.timeout !== undefined) {
    let ms: number;
    try {
      ms = parseDuration(String(module.timeout));
    } catch {
      return {
        error: `expected a duration like "5s", got ${JSON.stringify(module.timeout)}`,
        path: ["modules", name, "timeout"],
      };
    }
    out.push(`    timeout: ${formatDuration(ms)}`);
  } else {
    out.push("    # no timeout: blackbox used the scrape's; here defaults.timeout applies");
  }
  for (const other of ["http", "dns", "grpc", "tcp", "icmp"]) {
    if (other !== prober && module[other] !== undefined) {
      out.push(
        `    # ${other}: settings ignored (the prober is ${prober}), as blackbox ignores them`,
      );
    }
  }
  if (prober === "tcp") tcpLines(obj(module.tcp), out);
  else icmpLines(obj(module.icmp), out);
  return { lines: out };
}
