/**
 * @module Throw-away namespaces for ICMP error and socket option tests, joined to the host (where
 * the probe runs) by veth pairs. Needs root, iproute2 and nftables; dispose removes them all.
 *
 * `createRoutedLab()`: host — router — target. The host routes the target's net and an
 * "unreachable" net through the router; the router holds an `unreachable` route for the latter,
 * so it answers with ICMP host unreachable / ICMPv6 no route (and forwards with `mtu` on its
 * link to the target, for path-MTU tests). IPv4 route errors are rate limited host-wide
 * (`net.ipv4.route.error_cost`, not per namespace: about one a second per source after a
 * burst of 5); IPv6 ones only by the namespace's `icmp.ratelimit`, set to 0 here.
 *
 * `createDualLinkLab()`: host ═ target over two veth links (`a` and `b`); the target's service
 * address (on its loopback) is routed over `a` (metric 100) and `b` (metric 200), so a probe
 * bound to `b` or sending from `b`'s host address shows at the target by interface or source.
 */
import { nsExec, promptNamespace, sh } from "./netns_shell.ts";

/** A namespace the lab made. */
export interface Namespace {
  name: string;
  exec(argv: string[]): Promise<string>;
  /** Loads an nftables ruleset (`nft -f -`) inside the namespace. */
  nft(ruleset: string): Promise<void>;
  /** The packet count of the nft counter whose rule carries `comment "NAME"`. */
  counter(name: string): Promise<number>;
}

function namespace(name: string): Namespace {
  const exec = nsExec(name);
  return {
    name,
    exec,
    async nft(ruleset) {
      await exec(["nft", "-f", "-"], ruleset);
    },
    async counter(comment) {
      const text = await exec(["nft", "list", "ruleset"]);
      const line = text.split("\n").find((l) => l.includes(`comment "${comment}"`));
      const m = line && /counter packets (\d+)/.exec(line);
      if (!m) throw new Error(`no counter "${comment}" in:\n${text}`);
      return Number(m[1]);
    },
  };
}

const tagOf = () => {
  const n = 1 + Math.floor(Math.random() * 250);
  return { n, tag: `${Deno.pid % 10000}x${n}` };
};

async function veth(host: string, peer: string, ns: string) {
  await sh(["ip", "link", "add", host, "type", "veth", "peer", "name", peer]);
  await sh(["ip", "link", "set", peer, "netns", ns]);
  // No duplicate address detection: a tentative link-local address delays neighbour discovery.
  await sh(["sysctl", "-q", "-w", `net.ipv6.conf.${host}.accept_dad=0`]);
  await sh(["ip", "netns", "exec", ns, "sysctl", "-q", "-w", `net.ipv6.conf.${peer}.accept_dad=0`]);
  await sh(["ip", "link", "set", host, "up"]);
}

async function quiet(ns: Namespace) {
  await ns.exec(["ip", "link", "set", "lo", "up"]);
  await promptNamespace(ns.name);
}

/** host — router — target. */
export interface RoutedLab extends AsyncDisposable {
  router: Namespace;
  target: Namespace;
  /** The target's addresses (through the router). */
  target4: string;
  target6: string;
  /** Addresses the router has an `unreachable` route for. */
  unreachable4: string;
  unreachable6: string;
  /** The router's address on the host link (the ICMP errors come from it). */
  router4: string;
  router6: string;
}

/** Creates host — router — target; `mtu` sets the router–target link's MTU (default 1500). */
export async function createRoutedLab(options: { mtu?: number } = {}): Promise<RoutedLab> {
  const { n, tag } = tagOf();
  const h = n.toString(16);
  const router = namespace(`vmr${tag}`);
  const target = namespace(`vmt${tag}`);
  const hostIf = `vmrh${tag}`;
  await sh(["ip", "netns", "add", router.name]);
  await sh(["ip", "netns", "add", target.name]);
  const dispose = async () => {
    await sh(["ip", "link", "del", hostIf]).catch(() => {});
    await sh(["ip", "netns", "del", router.name]).catch(() => {});
    await sh(["ip", "netns", "del", target.name]).catch(() => {});
  };
  try {
    await quiet(router);
    await quiet(target);
    await router.exec(["sysctl", "-q", "-w", "net.ipv4.ip_forward=1"]);
    await router.exec(["sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1"]);
    await veth(hostIf, "hr0", router.name);
    await sh(["ip", "addr", "add", `100.64.${n}.1/30`, "dev", hostIf]);
    await sh(["ip", "-6", "addr", "add", `fd00:64:${h}::1/64`, "dev", hostIf, "nodad"]);
    await router.exec(["ip", "addr", "add", `100.64.${n}.2/30`, "dev", "hr0"]);
    await router.exec(["ip", "-6", "addr", "add", `fd00:64:${h}::2/64`, "dev", "hr0", "nodad"]);
    await router.exec(["ip", "link", "set", "hr0", "up"]);
    await router.exec(["ip", "link", "add", "down0", "type", "veth", "peer", "name", "up0"]);
    await router.exec(["ip", "link", "set", "up0", "netns", target.name]);
    await router.exec(["ip", "link", "set", "down0", "mtu", String(options.mtu ?? 1500), "up"]);
    await target.exec(["ip", "link", "set", "up0", "mtu", String(options.mtu ?? 1500)]);
    await router.exec(["ip", "addr", "add", `100.65.${n}.1/30`, "dev", "down0"]);
    await router.exec(["ip", "-6", "addr", "add", `fd00:65:${h}::1/64`, "dev", "down0", "nodad"]);
    await target.exec(["ip", "addr", "add", `100.65.${n}.2/30`, "dev", "up0"]);
    await target.exec(["ip", "-6", "addr", "add", `fd00:65:${h}::2/64`, "dev", "up0", "nodad"]);
    await target.exec(["ip", "link", "set", "up0", "up"]);
    await target.exec(["ip", "route", "add", "default", "via", `100.65.${n}.1`]);
    await target.exec(["ip", "-6", "route", "add", "default", "via", `fd00:65:${h}::1`]);
    await router.exec(["ip", "route", "add", "default", "via", `100.64.${n}.1`]);
    await router.exec(["ip", "-6", "route", "add", "default", "via", `fd00:64:${h}::1`]);
    await router.exec(["ip", "route", "add", "unreachable", `100.66.${n}.0/24`]);
    await router.exec(["ip", "-6", "route", "add", "unreachable", `fd00:66:${h}::/64`]);
    for (const net of [`100.65.${n}.0/30`, `100.66.${n}.0/24`]) {
      await sh(["ip", "route", "add", net, "via", `100.64.${n}.2`, "dev", hostIf]);
    }
    for (const net of [`fd00:65:${h}::/64`, `fd00:66:${h}::/64`]) {
      await sh(["ip", "-6", "route", "add", net, "via", `fd00:64:${h}::2`, "dev", hostIf]);
    }
  } catch (error) {
    await dispose();
    throw error;
  }
  return {
    router,
    target,
    target4: `100.65.${n}.2`,
    target6: `fd00:65:${h}::2`,
    unreachable4: `100.66.${n}.9`,
    unreachable6: `fd00:66:${h}::9`,
    router4: `100.64.${n}.2`,
    router6: `fd00:64:${h}::2`,
    [Symbol.asyncDispose]: dispose,
  };
}

/** host ═ target over links a and b. */
export interface DualLinkLab extends AsyncDisposable {
  target: Namespace;
  /** The target's service addresses (routed over link a by default). */
  service4: string;
  service6: string;
  /** Host-side interface names and addresses of each link. */
  a: { ifname: string; ip4: string; ip6: string };
  b: { ifname: string; ip4: string; ip6: string };
}

/** Creates the two-link lab; the target's interfaces are `ta` and `tb`. */
export async function createDualLinkLab(): Promise<DualLinkLab> {
  const { n, tag } = tagOf();
  const h = n.toString(16);
  const target = namespace(`vmd${tag}`);
  const links = { a: { ifname: `vmda${tag}`, k: 67 }, b: { ifname: `vmdb${tag}`, k: 68 } };
  await sh(["ip", "netns", "add", target.name]);
  const dispose = async () => {
    for (const l of Object.values(links)) await sh(["ip", "link", "del", l.ifname]).catch(() => {});
    await sh(["ip", "netns", "del", target.name]).catch(() => {});
  };
  try {
    await quiet(target);
    await target.exec(["ip", "addr", "add", `100.69.${n}.1/32`, "dev", "lo"]);
    await target.exec(["ip", "-6", "addr", "add", `fd00:69:${h}::1/128`, "dev", "lo", "nodad"]);
    for (const [side, l] of Object.entries(links)) {
      const peer = `t${side}`;
      await veth(l.ifname, peer, target.name);
      await sh(["ip", "addr", "add", `100.${l.k}.${n}.1/30`, "dev", l.ifname]);
      await sh(["ip", "-6", "addr", "add", `fd00:${l.k}:${h}::1/64`, "dev", l.ifname, "nodad"]);
      await target.exec(["ip", "addr", "add", `100.${l.k}.${n}.2/30`, "dev", peer]);
      await target.exec([
        "ip",
        "-6",
        "addr",
        "add",
        `fd00:${l.k}:${h}::2/64`,
        "dev",
        peer,
        "nodad",
      ]);
      await target.exec(["ip", "link", "set", peer, "up"]);
      const metric = side === "a" ? "100" : "200";
      await sh([
        "ip",
        "route",
        "add",
        `100.69.${n}.1/32`,
        "via",
        `100.${l.k}.${n}.2`,
        "dev",
        l.ifname,
        "metric",
        metric,
      ]);
      await sh([
        "ip",
        "-6",
        "route",
        "add",
        `fd00:69:${h}::1/128`,
        "via",
        `fd00:${l.k}:${h}::2`,
        "dev",
        l.ifname,
        "metric",
        metric,
      ]);
    }
    await target.exec(["ip", "route", "add", "default", "via", `100.67.${n}.1`]);
    await target.exec(["ip", "-6", "route", "add", "default", "via", `fd00:67:${h}::1`]);
  } catch (error) {
    await dispose();
    throw error;
  }
  const link = (l: { ifname: string; k: number }) => ({
    ifname: l.ifname,
    ip4: `100.${l.k}.${n}.1`,
    ip6: `fd00:${l.k}:${h}::1`,
  });
  return {
    target,
    service4: `100.69.${n}.1`,
    service6: `fd00:69:${h}::1`,
    a: link(links.a),
    b: link(links.b),
    [Symbol.asyncDispose]: dispose,
  };
}
