/**
 * How fast ICMP errors end a probe, in namespaces made here (host — router — target): 100 each
 * of a UDP probe to a closed port (`refused`), 10 of a UDP probe and an ICMP echo to a
 * destination the router has an `unreachable` route for (`unreachable`); median, p95 and max duration, next to
 * iputils `ping -c 1` to the same unreachable destination (its wall time, process start
 * included) and `ping -c 1` to the target (one plain RTT) from the same run. Before this change
 * each failed probe took its whole timeout (2 s here).
 *
 * Run (root, iproute2, nftables, iputils-ping): deno run -A --unstable-net test/bench/icmp_errors_bench.ts
 */
import { createIcmpProbe } from "../../src/probes/icmp/icmp_probe.ts";
import { createUdpProbe } from "../../src/probes/udp.ts";
import type { ProbeJob } from "../../src/schedule/job.ts";
import { createRoutedLab } from "../_support/netns_router.ts";
import { sampleQuantile } from "./_metrics.ts";

const N = 100;
const never = new AbortController().signal;

const ms = (v: number) => `${(v * 1000).toFixed(2)} ms`;
const line = (name: string, r: number[] | { out: number[]; others: string[] }) => {
  const values = Array.isArray(r) ? r : r.out;
  const others = Array.isArray(r) ? [] : r.others;
  console.log(
    `${name.padEnd(48)} median ${ms(sampleQuantile(values, 0.5))}  p95 ${
      ms(sampleQuantile(values, 0.95))
    }  max ${ms(Math.max(...values))}${
      others.length ? `  (${others.length} other: ${[...new Set(others)].join(", ")})` : ""
    }`,
  );
};

await using lab = await createRoutedLab();
await using udp = createUdpProbe();
await using icmp = createIcmpProbe({ helper: "socket" });
const udpJob = (host: string, port: number): ProbeJob<"udp"> => ({
  target: host,
  host,
  port,
  probe: "u",
  type: "udp",
  timeoutMs: 2000,
  ipProtocol: "auto",
  options: { type: "udp", payload: "x" },
});
const icmpJob = (host: string): ProbeJob<"icmp"> => ({
  target: host,
  host,
  probe: "i",
  type: "icmp",
  timeoutMs: 2000,
  ipProtocol: "auto",
  options: { type: "icmp", count: 1, helper: "socket" },
});
const run = async (
  f: () => Promise<{ durationSeconds: number; reason?: string }>,
  want: string,
  n = N,
) => {
  const out: number[] = [];
  const others: string[] = [];
  for (let i = 0; i < n; i++) {
    if (n < N && i > 0) await new Promise((r) => setTimeout(r, 1100));
    const o = await f();
    if (o.reason === want) out.push(o.durationSeconds);
    else others.push(o.reason ?? "ok");
  }
  return { out, others };
};
const pingWall = async (host: string, n = 20) => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    if (n < 20 && i > 0) await new Promise((r) => setTimeout(r, 1100));
    const t = performance.now();
    await new Deno.Command("ping", {
      args: ["-n", "-c", "1", "-W", "2", host],
      stdout: "null",
      stderr: "null",
    })
      .output();
    out.push((performance.now() - t) / 1000);
  }
  return out;
};
line(
  "UDP closed port -> refused",
  await run(() => udp.run(udpJob(lab.target4, 9), never), "refused"),
);
// Route errors are rate limited by the kernel (about one a second per source after a burst
// of 5, host-wide for IPv4): 10 probes each, 1.1 s apart.
line(
  "UDP unroutable -> unreachable (10, 1.1 s apart)",
  await run(() => udp.run(udpJob(lab.unreachable4, 53), never), "unreachable", 10),
);
line(
  "ICMP unroutable -> unreachable (10, 1.1 s apart)",
  await run(() => icmp.run(icmpJob(lab.unreachable4), never), "unreachable", 10),
);
line(
  "ICMP echo to the target (success)",
  await run(() =>
    icmp.run(icmpJob(lab.target4), never).then((o) => ({
      ...o,
      reason: o.success ? "ok" : o.reason,
    })), "ok"),
);
line("peer: ping -c 1 unroutable (wall, 5 runs)", await pingWall(lab.unreachable4, 5));
line("peer: ping -c 1 target (wall, 20 runs)", await pingWall(lab.target4));
console.log(
  `nproc ${navigator.hardwareConcurrency}; loadavg ${
    (await Deno.readTextFile("/proc/loadavg")).trim()
  }`,
);
