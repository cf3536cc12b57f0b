/**
 * @module Workload 2: ICMP echo to 1,000 targets in 127.0.0.0/8 at 10,000 pings/s. The bundled
 * agent (count 1 every 100 ms per target) against `fping -p 100 -i 0.1` on the same addresses.
 * fping stops after 65,535 pings per run, so both are compared over a window of 60 pings per
 * target (60,000 pings, ~6 s; fping waits 200 ms for the last replies). Figures: pings/s, CPU µs per ping (from /proc: the agent's stat,
 * and fping's as its waiting shell's children time; the agent's pings counted by the kernel in a
 * namespace of its own when run as root, see icmp_netns.ts), loss, RTT median; then the foreign-flood
 * line (icmp_flood.ts): a one-packet probe's duration p99 and CPU with fping flooding other hosts,
 * against the same probe on a quiet host.
 */
import {
  cpuWindow,
  farmHost,
  type Figure,
  figuresOf,
  round,
  sleep,
  startBundledAgent,
} from "./_common.ts";
import { median } from "../_metrics.ts";
import { icmpFloodRun } from "./icmp_flood.ts";
import { netnsAgentWindow, netnsAvailable } from "./icmp_netns.ts";

const TARGETS = 1000;
const PINGS_PER_TARGET = 60;
const PERIOD_MS = 100;
const WARMUP_S = Number(Deno.env.get("BENCH_WARMUP_S") ?? 4);
const hosts = Array.from({ length: TARGETS }, (_, i) => farmHost(78, i));

/** fping over the 1,000 hosts; CPU from the shell's cutime+cstime after it waited for fping. */
export async function fpingRun() {
  const dir = await Deno.makeTempDir({ prefix: "bench_fping_" });
  try {
    const t0 = performance.now();
    const out = await new Deno.Command("sh", {
      args: [
        "-c",
        `fping -q -C ${PINGS_PER_TARGET} -p ${PERIOD_MS} -i 0.1 -t 200 "$@" 2>"${dir}/err"; ` +
        'cat "/proc/$$/stat"',
        "sh",
        ...hosts,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const seconds = (performance.now() - t0) / 1000;
    const stat = new TextDecoder().decode(out.stdout).split(") ")[1]!.split(" ");
    const cpuUs = (Number(stat[13]) + Number(stat[14])) / 100 * 1e6;
    const rtts: number[] = [];
    let sent = 0;
    for (const line of (await Deno.readTextFile(`${dir}/err`)).split("\n")) {
      const m = /^(\S+)\s+:\s+(.*)$/.exec(line);
      if (!m) continue;
      for (const v of m[2]!.trim().split(/\s+/)) {
        sent++;
        if (v !== "-") rtts.push(Number(v) * 1000);
      }
    }
    if (sent === 0) {
      throw new Error(`fping printed nothing:\n${new TextDecoder().decode(out.stderr)}`);
    }
    return {
      pingsPerS: sent / seconds,
      cpuUsPerPing: cpuUs / sent,
      lossPct: (1 - rtts.length / sent) * 100,
      rttMedianUs: median(rtts),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function sumOf(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith(name + "{")) sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}

/** The agent's config for the workload (WAL in `wal`, no push). */
function agentYaml(wal: string): string {
  return `
agent: {listen: "127.0.0.1:0", log: {level: info, format: json}}
defaults: {interval: ${PERIOD_MS}ms, timeout: 1s}
limits: {concurrency: 4096, global_rate: 50000, per_host_rate: 1000}
probes: {icmp: {type: icmp, count: 1}}
targets:
  - static: {targets: [${hosts.map((h) => `"${h}"`).join(", ")}]}
    probes: [icmp]
wal: {dir: ${wal}, fsync: batch}
`;
}

/** 1 − replies / requests of the agent's whole run so far, in %. */
function lifetimeLossPct(metrics: string): number {
  const sent = sumOf(metrics, "vmprober_icmp_packets_sent_total");
  const received = sumOf(metrics, "vmprober_icmp_packets_received_total");
  return sent ? Math.max(0, (1 - received / sent) * 100) : 100;
}

/** The RTT median over the targets' `stat="median"` series. */
function rttMedianUs(metrics: string): number {
  return median(
    metrics.split("\n").filter((l) =>
      l.startsWith("vmprober_icmp_rtt_seconds{") && l.includes('stat="median"')
    ).map((l) => Number(l.slice(l.lastIndexOf(" ") + 1)) * 1e6),
  );
}

/**
 * The agent on the same hosts, count 1 every 100 ms, measured over the same ping count: in a
 * namespace of its own with the kernel counting its pings where it can (icmp_netns.ts), else on
 * the host, counted from two scrapes.
 */
export async function agentIcmpRun() {
  const wal = await Deno.makeTempDir({ prefix: "bench_icmp_wal_" });
  try {
    if (netnsAvailable()) {
      const w = await netnsAgentWindow(
        agentYaml(wal),
        WARMUP_S * 1000,
        PINGS_PER_TARGET * PERIOD_MS,
      );
      return {
        pingsPerS: w.pings / w.seconds,
        cpuUsPerPing: w.cpuUs / Math.max(1, w.pings),
        // The agent's own count (a reply the kernel delivered but the agent missed is lost),
        // over its whole run: in-flight echoes at the scrape are a few of ~100,000.
        lossPct: lifetimeLossPct(w.metrics),
        rttMedianUs: rttMedianUs(w.metrics),
        counted: "kernel",
      };
    }
    await using agent = await startBundledAgent(agentYaml(wal));
    await sleep(WARMUP_S * 1000);
    const before = await agent.metrics();
    const cpu = cpuWindow(agent.pid);
    await sleep(PINGS_PER_TARGET * PERIOD_MS);
    // The window ends before the second scrape, as it began after the first: a scrape is not
    // ping work. Each reads the counters partway through its page, so the offsets about cancel
    // on a quiet host (not under load: see icmp_netns.ts).
    const { cpuUs, seconds } = cpu();
    const after = await agent.metrics();
    const sent = sumOf(after, "vmprober_icmp_packets_sent_total") -
      sumOf(before, "vmprober_icmp_packets_sent_total");
    const received = sumOf(after, "vmprober_icmp_packets_received_total") -
      sumOf(before, "vmprober_icmp_packets_received_total");
    return {
      pingsPerS: sent / seconds,
      cpuUsPerPing: cpuUs / Math.max(1, sent),
      lossPct: sent ? Math.max(0, (1 - received / sent) * 100) : 100,
      rttMedianUs: rttMedianUs(after),
      counted: "scrapes",
    };
  } finally {
    await Deno.remove(wal, { recursive: true });
  }
}

/** One run of workload 2. */
export async function icmpCompare(): Promise<Figure[]> {
  const peer = await fpingRun();
  const ours = await agentIcmpRun();
  const flood = await icmpFloodRun();
  console.error(
    `  icmp ours ${JSON.stringify(ours)}\n  fping ${JSON.stringify(peer)}\n  flood ${
      JSON.stringify(flood)
    }`,
  );
  const fw = "icmp one-packet probe, 10,000 foreign pings/s vs quiet";
  const ff = figuresOf(fw, "same probe, quiet host");
  const w = "icmp 1,000 targets @ 10,000/s";
  const fig = figuresOf(w, "fping");
  return [
    fig("pings/s", "/s", round(ours.pingsPerS, 0), round(peer.pingsPerS, 0), "higher", ">= 10000"),
    fig(
      "CPU per ping",
      "µs",
      round(ours.cpuUsPerPing, 2),
      round(peer.cpuUsPerPing, 2),
      "lower",
      `<= ${round(2 * peer.cpuUsPerPing, 2)} (2× peer)`,
    ),
    fig("loss", "%", round(ours.lossPct, 3), round(peer.lossPct, 3), "lower", "== 0"),
    fig(
      "RTT median",
      "µs",
      round(ours.rttMedianUs, 1),
      round(peer.rttMedianUs, 1),
      "lower",
      `<= ${round(peer.rttMedianUs + 50, 1)} (peer + 50)`,
    ),
    ff(
      "duration p99",
      "ms",
      round(flood.flooded.p99Ms, 3),
      round(flood.quiet.p99Ms, 3),
      "lower",
      "< 1",
    ),
    ff(
      "CPU per probe",
      "µs",
      round(flood.flooded.cpuUsPerProbe, 1),
      round(flood.quiet.cpuUsPerProbe, 1),
      "lower",
      "bounded (≈ quiet)",
    ),
    ff("lost probes", "", flood.flooded.lost, flood.quiet.lost, "lower", "== 0"),
  ];
}
