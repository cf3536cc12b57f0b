/**
 * Path probing at scale, the agent next to mtr on the same run: 100 targets behind a 30-hop
 * path (29 router namespaces in a line, then the target namespace whose loopback answers for
 * all 100 addresses, so every TTL from 1 to 29 expires at a real router and TTL 30 reaches the
 * target), every 60 s, 10 packets per hop 100 ms apart.
 * - the agent: one process, one `type: path` module over the 100 targets (`max_hops: 30`,
 *   `count: 10`, `packet_interval: 100ms`, `interval: 60s`; starts spread over the interval by
 *   the usual jitter);
 * - mtr: every 60 s, 100 `mtr -n -r -c 10 -i 0.1 -m 30 IP` at once (one per target), as a cron
 *   job would run them.
 * After a 60 s warm-up (each target probed once by the agent), both are measured over the same
 * MEASURE_S (default 120) seconds: CPU (user + system, the agent's from /proc/PID/stat, mtr's
 * from the `times` of the shell that runs and waits for them, mtr-packet included) and memory
 * (the agent's RSS at the end and its peak; mtr's summed RSS of its processes, sampled every 0.5 s,
 * at its peak; and PSS for both, which counts a shared library page once across the processes
 * that map it — the fair figure for 200 small mtr processes). Needs root, iproute2 and mtr-tiny.
 *
 * Run: deno run -A --unstable-net test/bench/path_bench.ts
 */
import { startAgentProcess, writeConfig } from "../_support/agent_process.ts";
import { createNetnsChain } from "../_support/netns_chain.ts";

const TARGETS = 100;
const HOPS = 30;
const MEASURE_S = Number(Deno.env.get("MEASURE_S") ?? 120);
const CYCLE_S = 60;
const TICK = 100; // clock ticks per second (USER_HZ)

const cpuSeconds = (pid: number) => {
  const f = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1]!.split(" ");
  return (Number(f[11]) + Number(f[12])) / TICK;
};
/** Proportional set size (KiB): shared pages split between the processes that map them. */
const pssKb = (pid: number) =>
  Number(/^Pss:\s+(\d+)/m.exec(Deno.readTextFileSync(`/proc/${pid}/smaps_rollup`))?.[1] ?? 0);
const statusKb = (pid: number, key: string) =>
  Number(
    new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(Deno.readTextFileSync(`/proc/${pid}/status`))?.[1] ??
      0,
  );

/** Summed RSS and PSS (KiB) of the children of `parent` named mtr and their mtr-packet children. */
function mtrMemoryKb(parent: number): [number, number] {
  const ppid = new Map<number, [number, string]>();
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const s = Deno.readTextFileSync(`/proc/${e.name}/stat`);
      const comm = s.slice(s.indexOf("(") + 1, s.lastIndexOf(")"));
      ppid.set(Number(e.name), [Number(s.slice(s.lastIndexOf(")") + 2).split(" ")[1]), comm]);
    } catch { /* gone */ }
  }
  let kb = 0;
  let pss = 0;
  for (const [pid, [pp, comm]] of ppid) {
    const ours = pp === parent || (ppid.get(pp)?.[1] === "mtr" && ppid.get(pp)?.[0] === parent);
    if (ours && (comm === "mtr" || comm === "mtr-packet")) {
      try {
        kb += statusKb(pid, "VmRSS");
        pss += pssKb(pid);
      } catch { /* gone */ }
    }
  }
  return [kb, pss];
}

console.log(
  `nproc ${navigator.hardwareConcurrency}, load ${Deno.readTextFileSync("/proc/loadavg").trim()}`,
);
const t0 = performance.now();
await using chain = await createNetnsChain({
  routers: HOPS - 1,
  targets: TARGETS,
  alternate: false,
});
console.log(
  `chain of ${HOPS - 1} routers + target built in ${
    ((performance.now() - t0) / 1000).toFixed(1)
  } s`,
);
const ips = chain.targets.map((t) => t.ip4);
const config = await writeConfig(
  `agent: {listen: "127.0.0.1:0", log: {format: text, level: info}}
defaults: {interval: ${CYCLE_S}s, timeout: 10s}
limits: {per_host_rate: 1000}
probes:
  mtr: {type: path, max_hops: ${HOPS}, count: 10, packet_interval: 100ms}
targets:
  - static: {targets: ${JSON.stringify(ips)}}
    probes: [mtr]
`,
);
await using agent = await startAgentProcess(config);
const pid = agent.child.pid;
await new Promise((r) => setTimeout(r, CYCLE_S * 1000));
const warm = await agent.metrics();
const reachedWarm =
  warm.split("\n").filter((l) => l.startsWith(`vmprober_path_hops{`) && l.endsWith(` ${HOPS}`))
    .length;

// The measured window: the agent keeps running; mtr runs one cycle every 60 s beside it.
const cpu0 = cpuSeconds(pid);
let mtrCpu = 0;
let mtrPeakKb = 0;
let mtrPeakPssKb = 0;
let mtrRuns = 0;
const end = performance.now() + MEASURE_S * 1000;
while (performance.now() < end) {
  const cycleStart = performance.now();
  const script = ips.map((ip) =>
    `mtr -n -r -c 10 -i 0.1 -m ${HOPS} ${ip} >/dev/null &`
  ).join("\n") +
    "\nwait\ntimes\n";
  const shell = new Deno.Command("bash", { args: ["-c", script], stdout: "piped" }).spawn();
  const sampler = setInterval(() => {
    const [rss, pss] = mtrMemoryKb(shell.pid);
    mtrPeakKb = Math.max(mtrPeakKb, rss);
    mtrPeakPssKb = Math.max(mtrPeakPssKb, pss);
  }, 500);
  const out = new TextDecoder().decode((await shell.output()).stdout).trim().split("\n");
  clearInterval(sampler);
  // `times`: the shell's own line, then its children's: "0m1.234s 0m0.567s".
  const m = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s/.exec(out.at(-1)!)!;
  mtrCpu += Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]);
  mtrRuns += TARGETS;
  const left = CYCLE_S * 1000 - (performance.now() - cycleStart);
  if (performance.now() + left >= end) break;
  await new Promise((r) => setTimeout(r, left));
}
const agentCpu = cpuSeconds(pid) - cpu0;
const rssKb = statusKb(pid, "VmRSS");
const hwmKb = statusKb(pid, "VmHWM");
const agentPssKb = pssKb(pid);
const text = await agent.metrics();
const reached =
  text.split("\n").filter((l) => l.startsWith(`vmprober_path_hops{`) && l.endsWith(` ${HOPS}`))
    .length;
const runs = text.split("\n").filter((l) =>
  l.startsWith("vmprober_probes_total{") && l.includes('result="success"')
)
  .reduce((a, l) => a + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
console.log(
  `targets reaching hop ${HOPS}: after warm-up ${reachedWarm}/${TARGETS}, at the end ${reached}/${TARGETS}; agent runs ok so far ${runs}`,
);
console.log(
  `window ${MEASURE_S} s, load at the end ${Deno.readTextFileSync("/proc/loadavg").trim()}`,
);
console.log(`| | CPU s in ${MEASURE_S} s | CPU % of one core | memory |`);
console.log(`|---|---|---|---|`);
console.log(
  `| agent (1 process, ${TARGETS} targets) | ${agentCpu.toFixed(2)} | ${
    (100 * agentCpu / MEASURE_S).toFixed(1)
  } | RSS ${(rssKb / 1024).toFixed(0)} MiB (peak ${(hwmKb / 1024).toFixed(0)} MiB), PSS ${
    (agentPssKb / 1024).toFixed(0)
  } MiB |`,
);
console.log(
  `| mtr (${mtrRuns} runs, ${TARGETS} at once) | ${mtrCpu.toFixed(2)} | ${
    (100 * mtrCpu / MEASURE_S).toFixed(1)
  } | peak summed RSS ${(mtrPeakKb / 1024).toFixed(0)} MiB, PSS ${
    (mtrPeakPssKb / 1024).toFixed(0)
  } MiB |`,
);
await agent.stop();
