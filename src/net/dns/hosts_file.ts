/** @module `/etc/hosts`: address, then names; comments after `#`. Parsing is pure. */
import { isIPv4, isIPv6 } from "../address.ts";

/** Names (lower case) → addresses by family. */
export type HostsTable = Map<string, { 4: string[]; 6: string[] }>;

/**
 * Parses hosts text; lines with an address that is not an IP literal are skipped.
 *
 * @example
 * ```ts
 * import { parseHosts } from "./hosts_file.ts";
 * const t = parseHosts("10.0.0.7 db db.corp # the database\n::1 localhost");
 * if (t.get("db")?.[4][0] !== "10.0.0.7" || t.get("localhost")?.[6][0] !== "::1") throw new Error();
 * ```
 */
export function parseHosts(text: string): HostsTable {
  const table: HostsTable = new Map();
  for (const raw of text.split("\n").slice(0, 100_000)) {
    const [ip, ...names] = raw.replace(/#.*$/, "").trim().split(/\s+/);
    if (!ip || names.length === 0) continue;
    const addr = ip.replace(/%.*$/, "");
    const family = isIPv4(addr) ? 4 : isIPv6(addr) ? 6 : undefined;
    if (!family) continue;
    for (const n of names) {
      const key = n.toLowerCase().replace(/\.$/, "");
      let entry = table.get(key);
      if (!entry) table.set(key, entry = { 4: [], 6: [] });
      if (!entry[family].includes(addr)) entry[family].push(addr);
    }
  }
  return table;
}
