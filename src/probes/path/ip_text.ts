/** @module An address as people and mtr write it: IPv6 in RFC 5952 form. Pure. */

/**
 * RFC 5952 text of a canonical address (eight full groups, as the ICMP socket reports them):
 * lower case, leading zeros dropped, the longest run (≥ 2) of zero groups as `::`. IPv4 as is.
 *
 * @example
 * ```ts
 * import { compactIp } from "./ip_text.ts";
 * if (compactIp("fd00:1980:b:0:0:0:0:2") !== "fd00:1980:b::2") throw new Error();
 * if (compactIp("1:0:0:2:0:0:0:3") !== "1:0:0:2::3") throw new Error();
 * ```
 */
export function compactIp(ip: string): string {
  if (!ip.includes(":") || ip.includes("::")) return ip;
  const groups = ip.split(":").map((g) => g.replace(/^0+(?=.)/, "").toLowerCase());
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < groups.length;) {
    if (groups[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === "0") j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  if (best < 0) return groups.join(":");
  const head = groups.slice(0, best).join(":");
  const tail = groups.slice(best + bestLen).join(":");
  return `${head}::${tail}`;
}
