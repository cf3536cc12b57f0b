/**
 * @module `/etc/resolv.conf` (resolv.conf(5)): `nameserver` (at most 3, as the C library),
 * `search` / `domain`, and `options ndots:N timeout:N attempts:N`. Parsing is pure; unknown lines
 * are skipped, as the C library does.
 */
import type { DnsServer } from "./types.ts";
import { isIPv4, isIPv6 } from "../address.ts";

/** What the client takes from resolv.conf. */
export interface ResolvConf {
  servers: DnsServer[];
  search: string[];
  ndots: number;
  timeoutMs: number;
  attempts: number;
}

/** The C library's defaults, used for what a file leaves out (and when there is no file). */
export const RESOLV_DEFAULTS: ResolvConf = {
  servers: [{ ip: "127.0.0.1", port: 53, family: 4 }],
  search: [],
  ndots: 1,
  timeoutMs: 5000,
  attempts: 2,
};

/**
 * Parses resolv.conf text.
 *
 * @example
 * ```ts
 * import { parseResolvConf } from "./resolv_conf.ts";
 * const c = parseResolvConf("nameserver 10.0.0.2\nsearch corp.example\noptions ndots:2 timeout:1");
 * if (c.servers[0]?.ip !== "10.0.0.2" || c.ndots !== 2 || c.timeoutMs !== 1000) throw new Error();
 * ```
 */
export function parseResolvConf(text: string): ResolvConf {
  const servers: DnsServer[] = [];
  let search: string[] | undefined;
  let { ndots, timeoutMs, attempts } = RESOLV_DEFAULTS;
  const bounded = (v: string, max: number) => {
    const n = /^\d{1,9}$/.test(v) ? Number(v) : NaN;
    return Number.isFinite(n) ? Math.min(n, max) : undefined;
  };
  for (const raw of text.split("\n").slice(0, 10_000)) {
    const line = raw.replace(/[#;].*$/, "").trim();
    const [key, ...args] = line.split(/\s+/);
    if (key === "nameserver" && args[0] && servers.length < 3) {
      const ip = args[0].replace(/%.*$/, "");
      if (isIPv4(ip)) servers.push({ ip, port: 53, family: 4 });
      else if (isIPv6(ip)) servers.push({ ip, port: 53, family: 6 });
    } else if (key === "search") {
      search = args.filter(Boolean).slice(0, 6).map((d) => d.replace(/\.$/, ""));
    } else if (key === "domain" && args[0]) {
      search = [args[0].replace(/\.$/, "")];
    } else if (key === "options") {
      for (const opt of args) {
        const [name, value = ""] = opt.split(":");
        if (name === "ndots") ndots = bounded(value, 15) ?? ndots;
        if (name === "timeout") timeoutMs = (bounded(value, 30) ?? timeoutMs / 1000) * 1000;
        if (name === "attempts") attempts = Math.max(1, bounded(value, 5) ?? attempts);
      }
    }
  }
  return {
    servers: servers.length ? servers : RESOLV_DEFAULTS.servers,
    search: search ?? [],
    ndots,
    timeoutMs: Math.max(1000, timeoutMs),
    attempts,
  };
}

/**
 * The names to ask for `name`, in order (resolv.conf(5) `ndots`): a name ending in "." as it is;
 * one with at least `ndots` dots first as it is, then with each search domain; others the other
 * way round.
 *
 * @example
 * ```ts
 * import { candidateNames } from "./resolv_conf.ts";
 * const c = candidateNames("db", { search: ["corp.example"], ndots: 1 });
 * if (c.join() !== "db.corp.example,db") throw new Error(c.join());
 * ```
 */
export function candidateNames(
  name: string,
  conf: Pick<ResolvConf, "search" | "ndots">,
): string[] {
  if (name.endsWith(".")) return [name.slice(0, -1)];
  const searched = conf.search.map((d) => `${name}.${d}`);
  const dots = name.split(".").length - 1;
  return dots >= conf.ndots ? [name, ...searched] : [...searched, name];
}
