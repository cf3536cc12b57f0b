/**
 * How exactly the TCP probe measures a connect: N rounds on loopback, each one probe through the
 * shared epoll poller, one through `Deno.connect` (`poller: null`) and one by blackbox_exporter
 * (`/probe?module=tcp`, its `probe_duration_seconds`), to one listener, in turn. Prints the median
 * and p90 of each (µs) and the load. Not in CI.
 *
 * Run: `deno run -A --unstable-net test/bench/tcp_duration_bench.ts` (env TCP_DURATION_ROUNDS,
 * default 300).
 */
import { createTcpProbe } from "../../src/probes/tcp.ts";
import { probeJob } from "../_support/probe_job.ts";
import { tcpPeer } from "../_support/tcp_servers.ts";
import { startBlackboxPeer } from "./compare/_windows.ts";
import { quantile } from "./_metrics.ts";

const ROUNDS = Number(Deno.env.get("TCP_DURATION_ROUNDS") ?? 300);

await using peer = tcpPeer();
await using bbe = await startBlackboxPeer("modules:\n  tcp:\n    prober: tcp\n    timeout: 1s\n", {
  prefix: "bench_tcp_duration_",
});
await using fast = createTcpProbe();
await using deno = createTcpProbe({ poller: null });
const job = probeJob("tcp", {}, { host: "127.0.0.1", port: peer.port, timeoutMs: 1000 });
const signal = new AbortController().signal;
const seconds: Record<string, number[]> = { poller: [], "Deno.connect": [], blackbox: [] };
const load0 = Deno.readTextFileSync("/proc/loadavg").trim();
for (let i = 0; i < ROUNDS; i++) {
  const a = await fast.run(job, signal);
  const b = await deno.run(job, signal);
  const text = await (await fetch(
    `http://127.0.0.1:${bbe.port}/probe?module=tcp&target=127.0.0.1:${peer.port}`,
  )).text();
  const m = /^probe_duration_seconds ([\d.e+-]+)$/m.exec(text);
  if (!a.success || !b.success || !m || !/^probe_success 1$/m.test(text)) {
    throw new Error(`round ${i} failed: ${a.detail} ${b.detail} ${text.slice(0, 200)}`);
  }
  seconds.poller!.push(a.durationSeconds);
  seconds["Deno.connect"]!.push(b.durationSeconds);
  seconds.blackbox!.push(Number(m[1]));
}
const us = (v: number) => Math.round(v * 1e7) / 10;
console.log(`tcp connect duration on loopback, ${ROUNDS} rounds (load ${load0})`);
for (const [name, values] of Object.entries(seconds)) {
  const sorted = values.sort((x, y) => x - y);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  console.log(`  ${name.padEnd(13)} median ${us(at(0.5))} µs, p90 ${us(at(0.9))} µs`);
}
void quantile;
