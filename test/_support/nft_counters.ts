/**
 * @module A dual-link lab (see netns_router.ts) whose target counts what reaches it with
 * nftables: packets marked DSCP 46 (IPv4, IPv6), packets in over link b, and packets from b's
 * host addresses. The socket option tests of every probe read these counters. (IPv6 neighbour
 * discovery and MLD are accepted before the counters, so they are not counted.)
 */
import { createDualLinkLab, type DualLinkLab } from "./netns_router.ts";

/** The counters' names, as `comment "NAME"` on their rules. */
export const COUNTERS = ["dscp46_4", "dscp46_6", "via_b", "from_b4", "from_b6"] as const;

/** Packets per counter. */
export type Counts = Record<(typeof COUNTERS)[number], number>;

/** Every counter at zero (spread it and set the ones a test expects to move). */
export const NO_COUNTS: Readonly<Counts> = Object.freeze({
  dscp46_4: 0,
  dscp46_6: 0,
  via_b: 0,
  from_b4: 0,
  from_b6: 0,
});

/** A dual-link lab with the counters loaded in its target. */
export async function createCountersLab(): Promise<DualLinkLab> {
  const lab = await createDualLinkLab();
  try {
    await lab.target.nft(`table inet t {
  chain in {
    type filter hook input priority 0;
    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit, nd-router-advert, mld-listener-report, mld2-listener-report } accept;
    ip dscp 46 counter comment "dscp46_4";
    ip6 dscp 46 counter comment "dscp46_6";
    iifname "tb" counter comment "via_b";
    ip saddr ${lab.b.ip4} counter comment "from_b4";
    ip6 saddr ${lab.b.ip6} counter comment "from_b6";
  }
}`);
  } catch (error) {
    await lab[Symbol.asyncDispose]();
    throw error;
  }
  return lab;
}

/** The counters' packet counts now. */
export async function readCounts(lab: DualLinkLab): Promise<Counts> {
  const out = { ...NO_COUNTS };
  for (const n of COUNTERS) out[n] = await lab.target.counter(n);
  return out;
}
