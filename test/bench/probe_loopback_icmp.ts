/**
 * @module One-packet ICMP probes to 127.0.0.1 in a bounded loop, the measuring half of the
 * ICMP flood benchmarks (a raw socket sees every echo reply on the host, so a flood elsewhere on
 * loopback is what its reply reading has to cope with).
 */
import type { Probe } from "../../src/probes/types.ts";

/** What a {@linkcode probeLoopbackIcmp} loop saw. */
export interface LoopbackIcmpRun {
  /** `probe_duration_seconds` of each successful probe, in ms, in order. */
  durationsMs: number[];
  /** The RTT of each successful probe, in µs, in order. */
  rttsUs: number[];
  /** Probes that failed (a lost reply takes the whole 1 s timeout). */
  lost: number;
}

/**
 * Runs `count` one-packet echo probes to 127.0.0.1 (timeout 1 s) one after the other, `gapMs`
 * apart, on `probe`.
 */
export async function probeLoopbackIcmp(
  probe: Probe<"icmp">,
  options: { count: number; gapMs: number },
): Promise<LoopbackIcmpRun> {
  const out: LoopbackIcmpRun = { durationsMs: [], rttsUs: [], lost: 0 };
  for (let i = 0; i < options.count; i++) {
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
      out.durationsMs.push(o.durationSeconds * 1000);
      out.rttsUs.push(o.icmp!.avgSeconds * 1e6);
    } else out.lost++;
    await new Promise((r) => setTimeout(r, options.gapMs));
  }
  return out;
}
