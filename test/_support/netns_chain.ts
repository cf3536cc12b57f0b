/**
 * @module A routed chain of throw-away network namespaces for path tests: the host is the
 * prober, joined by veth pairs to `r1 — r2 — … — rK — target`, with forwarding on, ICMP error
 * rate limits off in every namespace (a real router's limits would make loss figures lie), an
 * optional `tc netem` on one link and an alternate router `ra` in parallel with the last one,
 * so a test can switch the route mid-run. Needs root and iproute2.
 *
 * Addresses (N random in 1..127, so two labs, or `netns_lab.ts`'s 198.18.N.0/30, never meet):
 * link L (0 = host–r1, L = r_L–r_{L+1}, K = r_K–target, K+1 = r_{K-1}–ra, K+2 = ra–target) is
 * 198.19.N.(4L+1)/30 on its near side and .(4L+2) on its far side, and fd00:1980:N:L::1/::2/64.
 * Targets live on the target's loopback: the whole of 198.19.(N+128).0/24 and
 * fd00:1980:(N+128)::/64 answer there, `targets[i]` being the (i+1)-th address.
 */
import { nsExec, promptNamespace, sh } from "./netns_shell.ts";

/** One router (or the target) namespace. */
export interface ChainNode {
  /** Namespace name. */
  ns: string;
  /**
   * The address this node answers time-exceeded from when the prober's packets reach it: its
   * side of the link towards the prober.
   */
  ip4: string;
  ip6: string;
  /** Runs `argv` inside the namespace; throws with its stderr when it fails. */
  exec(argv: string[]): Promise<string>;
}

/** Options of {@linkcode createNetnsChain}. */
export interface NetnsChainOptions {
  /** Routers between the host and the target (K). Default 2: prober — r1 — r2 — target. */
  routers?: number;
  /** Addresses answering on the target's loopback. Default 1. */
  targets?: number;
  /**
   * Delay and loss on the way from r_link to r_{link+1} (link 1 = r1 → r2): `tc netem` on r_link's
   * egress where the kernel has it (`mode: "tc"`), else (`"relay"`, or `"auto"` on a kernel
   * without `sch_netem`) the link is a pair of TUN devices joined by `netem_relay.py`, which
   * holds each packet going that way for `delayMs` and drops `lossPercent` of them with a seeded
   * random generator (`seed`, default 1). The way back is never shaped.
   */
  netem?: {
    link: number;
    delayMs?: number;
    lossPercent?: number;
    mode?: "auto" | "tc" | "relay";
    seed?: number;
  };
  /** Add the alternate router `ra` in parallel with r_K (needs K ≥ 2). Default true when K ≥ 2. */
  alternate?: boolean;
}

/** A running chain. */
export interface NetnsChain extends AsyncDisposable {
  /** The host's own address on the host–r1 link (the source of the prober's packets). */
  prober: { ip4: string; ip6: string };
  /** r1..rK in path order. */
  routers: ChainNode[];
  /** The alternate router, when made. */
  alternate?: ChainNode;
  /** How the shaped link is shaped, when it is. */
  shaping?: "tc" | "relay";
  /** The target namespace (its `ip4`/`ip6` are its link address, not a probed address). */
  target: ChainNode;
  /** Addresses on the target's loopback, to probe. */
  targets: { ip4: string; ip6: string }[];
  /**
   * Routes the target prefix (both ways) through `ra` (`"alternate"`) or back through r_K
   * (`"main"`). Takes effect for the next packet.
   */
  switchRoute(via: "main" | "alternate"): Promise<void>;
}

/** Sysctls of every namespace of the chain: route, and answer every probe with an ICMP error. */
const ROUTER_SYSCTLS = ["net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1"];

/** Whether this kernel has `sch_netem` (tried on the loopback of namespace `ns`). */
async function hasNetem(ns: string): Promise<boolean> {
  const add = ["ip", "netns", "exec", ns, "tc", "qdisc", "add", "dev", "lo", "root", "netem"];
  try {
    await sh([...add, "delay", "1ms"]);
  } catch {
    return false;
  }
  await sh(["ip", "netns", "exec", ns, "tc", "qdisc", "del", "dev", "lo", "root"]);
  return true;
}

const RELAY = new URL("./netem_relay.py", import.meta.url).pathname;

/** Starts the TUN relay (it creates both devices in the host namespace) and waits for them. */
async function startRelay(
  a: string,
  b: string,
  o: { delayMs?: number; lossPercent?: number; seed?: number },
): Promise<Deno.ChildProcess> {
  const child = new Deno.Command("python3", {
    args: [RELAY, a, b, String(o.delayMs ?? 0), String(o.lossPercent ?? 0), String(o.seed ?? 1)],
    stdin: "null",
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  let exited = false;
  child.status.then(() => exited = true);
  for (let i = 0; i < 500 && !exited; i++) {
    const up = await sh(["ip", "link", "show", "dev", b]).then(() => true, () => false);
    if (up) return child;
    await new Promise((r) => setTimeout(r, 10));
  }
  try {
    child.kill("SIGKILL");
  } catch { /* gone */ }
  await child.status;
  throw new Error(`Cannot start the netem relay ${RELAY}: its TUN devices did not appear`);
}

/** Builds the chain; on any failure everything made so far is removed before the error is thrown. */
export async function createNetnsChain(options: NetnsChainOptions = {}): Promise<NetnsChain> {
  const k = options.routers ?? 2;
  if (!Number.isInteger(k) || k < 1 || k > 40) throw new RangeError(`routers: 1-40, got ${k}`);
  const alt = options.alternate ?? k >= 2;
  if (alt && k < 2) throw new RangeError("alternate needs at least 2 routers");
  const count = options.targets ?? 1;
  if (count < 1 || count > 250) throw new RangeError(`targets: 1-250, got ${count}`);
  const n = 1 + Math.floor(Math.random() * 127);
  const tag = `${Deno.pid % 1000}x${n}`;
  const nsName = (role: string) => `vmc${tag}${role}`;
  const dev = (l: number, side: "a" | "b") => `c${tag}l${l}${side}`; // ≤ 15 chars
  const v4 = (l: number, side: 1 | 2) => `198.19.${n}.${4 * l + side}`;
  // Compressed as mtr and the kernel print them (`fd00:1980:5::2` for link 0).
  const v6 = (l: number, side: 1 | 2) =>
    `fd00:1980:${n.toString(16)}${l === 0 ? "" : `:${l.toString(16)}`}::${side}`;
  const targetNet4 = `198.19.${n + 128}`;
  const targetNet6 = `fd00:1980:${(n + 128).toString(16)}:`;
  const made: string[] = [];
  const roles = [
    ...Array.from({ length: k }, (_, i) => `r${i + 1}`),
    ...(alt ? ["ra"] : []),
    "t",
  ];
  const node = (role: string, link: number): ChainNode => {
    const ns = nsName(role);
    return {
      ns,
      ip4: v4(link, 2),
      ip6: v6(link, 2),
      exec: nsExec(ns),
    };
  };
  const routers = Array.from({ length: k }, (_, i) => node(`r${i + 1}`, i));
  const alternate = alt ? node("ra", k + 1) : undefined;
  const target = node("t", k);
  // Link L joins `near` (side a, address 1) to `far` (side b, address 2); "host" is the host.
  const links: { l: number; near: string; far: string }[] = [{ l: 0, near: "host", far: "r1" }];
  for (let i = 1; i < k; i++) links.push({ l: i, near: `r${i}`, far: `r${i + 1}` });
  links.push({ l: k, near: `r${k}`, far: "t" });
  if (alt) {
    links.push({ l: k + 1, near: `r${k - 1}`, far: "ra" });
    links.push({ l: k + 2, near: "ra", far: "t" });
  }
  let relay: Deno.ChildProcess | undefined;
  const shaped = options.netem;
  let useRelay = false;
  const cleanup = async () => {
    if (relay) {
      try {
        relay.kill("SIGKILL");
      } catch { /* already gone */ }
      await relay.status;
      relay = undefined;
    }
    for (const ns of made.reverse()) await sh(["ip", "netns", "del", ns]).catch(() => {});
    made.length = 0;
    await sh(["ip", "link", "del", dev(0, "a")]).catch(() => {});
  };
  const batch = (ns: string | undefined, lines: string[]) =>
    sh(ns ? ["ip", "-n", ns, "-batch", "-"] : ["ip", "-batch", "-"], lines.join("\n") + "\n");
  try {
    for (const role of roles) {
      await sh(["ip", "netns", "add", nsName(role)]);
      made.push(nsName(role));
      await promptNamespace(nsName(role), ROUTER_SYSCTLS);
    }
    const per = new Map<string, string[]>(roles.map((r) => [r, ["link set lo up"]]));
    const host: string[] = [];
    const cmds = (who: string) => who === "host" ? host : per.get(who)!;
    const hostLinks: string[] = [];
    if (shaped && (shaped.link < 1 || shaped.link >= k)) {
      throw new RangeError(`netem.link: 1-${k - 1}, got ${shaped.link}`);
    }
    useRelay = !!shaped && (shaped.mode === "relay" ||
      (shaped.mode !== "tc" && !(await hasNetem(nsName("r1")))));
    if (shaped && useRelay) {
      relay = await startRelay(dev(shaped.link, "a"), dev(shaped.link, "b"), shaped);
    }
    for (const { l, near, far } of links) {
      const a = dev(l, "a");
      const b = dev(l, "b");
      if (!(useRelay && l === shaped?.link)) {
        hostLinks.push(`link add ${a} type veth peer name ${b}`);
      }
      if (near !== "host") hostLinks.push(`link set ${a} netns ${nsName(near)}`);
      hostLinks.push(`link set ${b} netns ${nsName(far)}`);
      for (const [who, d, side] of [[near, a, 1], [far, b, 2]] as const) {
        cmds(who).push(
          `addr add ${v4(l, side)}/30 dev ${d}`,
          `addr add ${v6(l, side)}/64 dev ${d} nodad`,
          `link set ${d} up`,
        );
      }
    }
    await batch(undefined, hostLinks);
    // Routes: towards the targets go forward along the chain; everything else goes back.
    const fwd = (_who: string, via: number) => [
      `route add ${targetNet4}.0/24 via ${v4(via, 2)}`,
      `route add ${targetNet6}:/64 via ${v6(via, 2)}`,
    ];
    // Link l's subnet through the far side of link `via`.
    const linkRoute = (l: number, via: number) => [
      `route add 198.19.${n}.${4 * l}/30 via ${v4(via, 2)}`,
      `route add fd00:1980:${n.toString(16)}:${l.toString(16)}::/64 via ${v6(via, 2)}`,
    ];
    const back = (_who: string, via: number) => [
      `route add default via ${v4(via, 1)}`,
      `route add ::/0 via ${v6(via, 1)}`,
    ];
    host.push(
      `route add 198.19.${n}.0/24 via ${v4(0, 2)}`,
      `route add fd00:1980:${n.toString(16)}::/48 via ${v6(0, 2)}`,
      ...fwd("host", 0),
    );
    for (let i = 1; i <= k; i++) {
      const c = cmds(`r${i}`);
      c.push(...back(`r${i}`, i - 1));
      if (i < k) c.push(...fwd(`r${i}`, i));
      // Link subnets further down the chain (so the prober can reach every router's address).
      for (let l = i + 1; l <= k; l++) {
        c.push(...linkRoute(l, i));
      }
      if (alt && i < k - 1) {
        for (const l of [k + 1, k + 2]) {
          c.push(...linkRoute(l, i));
        }
      }
    }
    if (alt) {
      cmds("ra").push(...back("ra", k + 1));
      cmds("ra").push(...fwd("ra", k + 2));
      // r_{K-1} reaches ra's far link through ra.
      cmds(`r${k - 1}`).push(...linkRoute(k + 2, k + 1));
    }
    cmds(`r${k}`).push(...fwd(`r${k}`, k));
    cmds("t").push(
      ...back("t", k),
      `addr add ${targetNet4}.1/24 dev lo`,
      `addr add ${targetNet6}:1/64 dev lo nodad`,
      `route add local ${targetNet6}:/64 dev lo table local`,
    );
    await batch(undefined, host);
    for (const role of roles) {
      await batch(nsName(role), per.get(role)!);
    }
    if (shaped && !useRelay) {
      const { link, delayMs = 0, lossPercent = 0 } = shaped;
      await sh([
        "ip",
        "netns",
        "exec",
        nsName(`r${link}`),
        "tc",
        "qdisc",
        "add",
        "dev",
        dev(link, "a"),
        "root",
        "netem",
        "delay",
        `${delayMs}ms`,
        "loss",
        `${lossPercent}%`,
      ]);
    }
  } catch (error) {
    await cleanup();
    throw error;
  }
  const targets = Array.from({ length: count }, (_, i) => ({
    ip4: `${targetNet4}.${i + 1}`,
    ip6: `${targetNet6}:${(i + 1).toString(16)}`,
  }));
  return {
    prober: { ip4: v4(0, 1), ip6: v6(0, 1) },
    routers,
    alternate,
    target,
    targets,
    shaping: shaped ? (useRelay ? "relay" : "tc") : undefined,
    async switchRoute(via) {
      if (!alt) throw new Error("Cannot switch routes: the chain has no alternate router");
      const before = nsName(`r${k - 1}`);
      const [fwdVia4, fwdVia6, backVia4, backVia6] = via === "alternate"
        ? [v4(k + 1, 2), v6(k + 1, 2), v4(k + 2, 1), v6(k + 2, 1)]
        : [v4(k - 1, 2), v6(k - 1, 2), v4(k, 1), v6(k, 1)];
      await batch(before, [
        `route replace ${targetNet4}.0/24 via ${fwdVia4}`,
        `route replace ${targetNet6}:/64 via ${fwdVia6}`,
      ]);
      await batch(nsName("t"), [
        `route replace default via ${backVia4}`,
        `route replace ::/0 via ${backVia6}`,
      ]);
    },
    [Symbol.asyncDispose]: cleanup,
  };
}
