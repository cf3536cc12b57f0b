/**
 * @module The foreign-ICMP flood line of workload 2: one-packet ICMP probes to 127.0.0.1 from
 * this process (the probe module on a raw socket, as the agent runs it when root), 200 of them
 * 5 ms apart, first on a quiet host, then while fping sends 10,000 echoes/s to 1,000 other
 * loopback hosts (20,000 foreign ICMP packets/s that a raw socket would see). Figures: the
 * probe's duration p99 and this process's CPU per probe, flooded against quiet.
 */
import { createIcmpProbe } from "../../../src/probes/icmp/icmp_probe.ts";
import { cpuSeconds } from "../_metrics.ts";
import { startFloods } from "../start_floods.ts";
import { probeLoopbackIcmp } from "../probe_loopback_icmp.ts";
import { farmHost } from "./_common.ts";

const PROBES = 200;
const hosts = Array.from({ length: 1000 }, (_, i) => farmHost(80, i));

const p99 = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(0.99 * (v.length - 1))]!;

async function probeRun(): Promise<{ p99Ms: number; cpuUsPerProbe: number; lost: number }> {
  await using probe = createIcmpProbe({ helper: "socket", socket: { kinds: ["raw"] } });
  const cpu0 = cpuSeconds(Deno.pid);
  const { durationsMs, lost } = await probeLoopbackIcmp(probe, { count: PROBES, gapMs: 5 });
  return {
    p99Ms: p99(durationsMs),
    cpuUsPerProbe: (cpuSeconds(Deno.pid) - cpu0) * 1e6 / PROBES,
    lost,
  };
}

/** Quiet, then flooded (fping at 10,000 pings/s, stopped after). */
export async function icmpFloodRun() {
  const quiet = await probeRun();
  await using _fping = await startFloods(
    [["fping", ["-q", "-l", "-p", "100", "-i", "0.1", "-t", "200", ...hosts]]],
    { signal: "SIGTERM", settleMs: 500 },
  );
  const flooded = await probeRun();
  return { quiet, flooded };
}
