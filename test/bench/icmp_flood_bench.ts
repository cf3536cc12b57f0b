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

const PROBES = 100;

const quantile = (values: number[], q: number) => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

async function run(flooders: number): Promise<string> {
  await using probe = createIcmpProbe({ helper: "socket" });
  const floods = Array.from({ length: flooders }, (_, i) =>
    new Deno.Command("ping", {
      args: ["-f", "-q", "-w", "200", `127.0.9.${i + 2}`], // -w: ends even if we do not
      stdout: "null",
      stderr: "null",
    }).spawn());
  try {
    await new Promise((r) => setTimeout(r, 300));
    const durations: number[] = [];
    const rtts: number[] = [];
    let lost = 0;
    for (let i = 0; i < PROBES; i++) {
      const o = await probe.run({
        target: "127.0.0.1",
        host: "127.0.0.1",
        probe: "icmp",
        type: "icmp",
        timeoutMs: 1000,
        ipProtocol: "ip4",
        options: { type: "icmp", count: 1 },
      }, new AbortController().signal);
      if (o.success) {
        durations.push(o.durationSeconds * 1000);
        rtts.push(o.icmp!.avgSeconds * 1e6);
      } else lost++;
      await new Promise((r) => setTimeout(r, 20));
    }
    const slow = durations.filter((d) => d > 5).length;
    return `${flooders} flood pings: ${lost}/${PROBES} lost; duration median ${
      quantile(durations, 0.5).toFixed(3)
    } ms, p95 ${quantile(durations, 0.95).toFixed(3)} ms, ${slow} over 5 ms; RTT median ${
      quantile(rtts, 0.5).toFixed(1)
    } µs`;
  } finally {
    for (const f of floods) {
      try {
        f.kill("SIGINT");
      } catch { /* ended on its own */ }
    }
    await Promise.all(floods.map((f) => f.status));
  }
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
