/**
 * One-packet ICMP probes to 127.0.0.1 while other processes flood-ping loopback (two `ping -f`,
 * each as fast as replies come): a raw socket sees every echo reply on the host, so this is how
 * reply reading copes with a busy socket. Prints loss, the median and p95 of
 * `probe_duration_seconds`, the RTT median, and how many probes took over 5 ms — quiet and
 * flooded. 100 probes each, 20 ms apart; every loop is bounded.
 *
 * Run: deno bench -A --unstable-net test/bench/icmp_flood_bench.ts (needs root for ping -f)
 */
import { createIcmpProbe } from "../../src/probes/icmp/icmp_probe.ts";
import { sampleQuantile } from "./_metrics.ts";
import { startFloods } from "./start_floods.ts";
import { probeLoopbackIcmp } from "./probe_loopback_icmp.ts";

const PROBES = 100;

async function run(flooders: number): Promise<string> {
  await using probe = createIcmpProbe({ helper: "socket" });
  await using _floods = await startFloods(
    // -w: ends even if we do not
    Array.from(
      { length: flooders },
      (_, i) => ["ping", ["-f", "-q", "-w", "200", `127.0.9.${i + 2}`]],
    ),
    { signal: "SIGINT", settleMs: 300 },
  );
  const { durationsMs: durations, rttsUs: rtts, lost } = await probeLoopbackIcmp(probe, {
    count: PROBES,
    gapMs: 20,
  });
  const slow = durations.filter((d) => d > 5).length;
  return `${flooders} flood pings: ${lost}/${PROBES} lost; duration median ${
    sampleQuantile(durations, 0.5).toFixed(3)
  } ms, p95 ${sampleQuantile(durations, 0.95).toFixed(3)} ms, ${slow} over 5 ms; RTT median ${
    sampleQuantile(rtts, 0.5).toFixed(1)
  } µs`;
}

Deno.bench({
  name: "one-packet ICMP probes to 127.0.0.1, quiet and behind two flood pings",
  n: 1,
  warmup: 0,
  // one run of each: the old code's lost probes take their whole 1 s timeout
  async fn(b) {
    b.start();
    console.log(await run(0));
    console.log(await run(2));
    b.end();
  },
});
