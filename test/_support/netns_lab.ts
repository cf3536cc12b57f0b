/**
 * @module A throw-away network namespace joined to the host by a veth pair, for probes that need
 * an address outside loopback (198.18.N.2 and fd00:5eed:N::2 live in the namespace). Needs root
 * and iproute2; dispose removes the namespace and both veth ends.
 */
import { nsExec, sh } from "./netns_shell.ts";

/** A running lab. */
export interface NetnsLab extends AsyncDisposable {
  name: string;
  /** The namespace's addresses, reachable from the host. */
  ip4: string;
  ip6: string;
  /** Runs `argv` inside the namespace; throws with its stderr when it fails. */
  exec(argv: string[]): Promise<string>;
  /** Sets a sysctl inside the namespace, e.g. `net.ipv4.icmp_echo_ignore_all=1`. */
  sysctl(setting: string): Promise<void>;
}

/** Creates the namespace, the veth pair and the addresses; `veth: false` makes a bare namespace. */
export async function createNetnsLab(options: { veth?: boolean } = {}): Promise<NetnsLab> {
  const n = 1 + Math.floor(Math.random() * 250);
  const tag = `${Deno.pid % 10000}x${n}`;
  const name = `vmpt${tag}`;
  const host = `vmh${tag}`;
  const peer = `vmn${tag}`;
  const ip4 = `198.18.${n}.2`;
  const ip6 = `fd00:5eed:${n.toString(16)}::2`;
  const exec = nsExec(name);
  await sh(["ip", "netns", "add", name]);
  try {
    await exec(["ip", "link", "set", "lo", "up"]);
    if (options.veth !== false) {
      await sh(["ip", "link", "add", host, "type", "veth", "peer", "name", peer]);
      await sh(["ip", "link", "set", peer, "netns", name]);
      await sh(["ip", "addr", "add", `198.18.${n}.1/30`, "dev", host]);
      await sh([
        "ip",
        "-6",
        "addr",
        "add",
        `fd00:5eed:${n.toString(16)}::1/64`,
        "dev",
        host,
        "nodad",
      ]);
      await sh(["ip", "link", "set", host, "up"]);
      await exec(["ip", "addr", "add", `${ip4}/30`, "dev", peer]);
      await exec(["ip", "-6", "addr", "add", `${ip6}/64`, "dev", peer, "nodad"]);
      await exec(["ip", "link", "set", peer, "up"]);
    }
  } catch (error) {
    await sh(["ip", "netns", "del", name]).catch(() => {});
    throw error;
  }
  return {
    name,
    ip4,
    ip6,
    exec,
    async sysctl(setting) {
      await exec(["sysctl", "-q", "-w", setting]);
    },
    async [Symbol.asyncDispose]() {
      await sh(["ip", "link", "del", host]).catch(() => {});
      await sh(["ip", "netns", "del", name]);
    },
  };
}
