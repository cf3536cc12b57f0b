/**
 * @module The ICMP workload's agent in a network namespace of its own (root and iproute2): the
 * kernel's echo counters of that namespace (`Icmp: OutEchos` in /proc/net/snmp) count the agent's
 * pings at the same moments its CPU is read, with no scrape in the window. Counting from two
 * scrapes instead ties the figure to the scrapes' timing: each reads the counters partway through
 * a 7 MB page, which under load took seconds (one bundle measured 122, 24 and 62 µs per ping).
 * The agent pings 127.78.x.y on the namespace's own loopback and serves its API on the veth
 * address the host reaches (netns_lab.ts).
 */
import { agentFlags, BUNDLE, cpuWindow, freePort, sleep, spawnPeer, waitHttp } from "./_common.ts";
import { DENO, writeConfig } from "../../_support/agent_process.ts";
import { createNetnsLab, type NetnsLab } from "../../_support/netns_lab.ts";

/** Whether this run can make namespaces (root with `ip`). */
export function netnsAvailable(): boolean {
  if (Deno.uid() !== 0) return false;
  try {
    return new Deno.Command("ip", { args: ["-V"], stdout: "null", stderr: "null" }).outputSync()
      .success;
  } catch {
    return false;
  }
}

/** The namespace's echo requests sent and echo replies received, from its /proc/net/snmp. */
export async function echoCounters(lab: NetnsLab): Promise<{ out: number; replies: number }> {
  const lines = (await lab.exec(["cat", "/proc/net/snmp"])).split("\n").filter((l) =>
    l.startsWith("Icmp:")
  );
  const names = lines[0]!.split(/\s+/);
  const values = lines[1]!.split(/\s+/).map(Number);
  const at = (name: string) => values[names.indexOf(name)]!;
  return { out: at("OutEchos"), replies: at("InEchoReps") };
}

/** A measured window of the agent in its namespace. */
export interface NetnsWindow {
  pings: number;
  replies: number;
  cpuUs: number;
  seconds: number;
  /** The agent's /metrics text right after the window. */
  metrics: string;
}

/** Runs the bundle on `yaml` (its `agent.listen` is set here) in a fresh namespace. */
export async function netnsAgentWindow(
  yaml: string,
  warmupMs: number,
  windowMs: number,
): Promise<NetnsWindow> {
  await using lab = await createNetnsLab();
  const port = freePort();
  const base = `${lab.ip4}:${port}`;
  const config = await writeConfig(yaml.replace('"127.0.0.1:0"', `"${base}"`));
  await using agent = spawnPeer("ip", [
    "netns",
    "exec",
    lab.name,
    DENO,
    "run",
    ...agentFlags(),
    BUNDLE,
    "run",
    "--config",
    config,
  ]);
  try {
    await waitHttp(`http://${base}/readyz`, 20_000, 20);
    await sleep(warmupMs);
    const before = await echoCounters(lab);
    const cpu = cpuWindow(agent.pid);
    await sleep(windowMs);
    const { cpuUs, seconds } = cpu();
    const after = await echoCounters(lab);
    const metrics = await (await fetch(`http://${base}/metrics`)).text();
    return {
      pings: after.out - before.out,
      replies: after.replies - before.replies,
      cpuUs,
      seconds,
      metrics,
    };
  } finally {
    await agent.stop();
    await Deno.remove(config.slice(0, config.lastIndexOf("/")), { recursive: true });
  }
}
