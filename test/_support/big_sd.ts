/** @module Big target lists for load tests, and a poller measuring how long an API stalls. */

/** The `i`th of up to 16 M distinct loopback addresses, `127.a.b.c:port`. */
export function loopbackAddress(i: number, port = 9): string {
  return `127.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:${port}`;
}

/** An `http_sd` JSON body of `count` distinct loopback targets in groups of 1,000. */
export function bigSdBody(count: number, group = 1000): string {
  const groups: { targets: string[]; labels: Record<string, string> }[] = [];
  for (let g = 0; g * group < count; g++) {
    const targets: string[] = [];
    for (let i = g * group; i < Math.min(count, (g + 1) * group); i++) {
      targets.push(loopbackAddress(i));
    }
    groups.push({ targets, labels: { rack: `r${g}` } });
  }
  return JSON.stringify(groups);
}

/** Gaps between consecutive `/healthz` answers while polling. */
export interface PollGaps {
  polls: number;
  maxMs: number;
  /** Every gap in ms, in order. */
  gaps: number[];
  /** With a `cpu` sampler: the CPU ms it counted in each gap, in order. */
  cpuGaps: number[];
}

/**
 * CPU ms the main thread of process `pid` has run so far (Linux `schedstat`): sampled at each
 * answer it tells a gap the process spent working from one it spent waiting for a CPU (a busy
 * machine's run queue), which the wall-clock gap alone cannot.
 */
export function mainThreadCpuMs(pid: number): () => number {
  const path = `/proc/${pid}/task/${pid}/schedstat`;
  return () => Number(Deno.readTextFileSync(path).split(" ")[0]) / 1e6;
}

/**
 * GETs `${base}/healthz` every 10 ms until `done()` is true (checked every 10th poll) or `timeoutMs`
 * passes, and returns the gaps between answers. A gap is the time from one answer to the next,
 * so a stalled event loop on the other side shows as one long gap.
 */
export async function pollGaps(
  base: string,
  done: () => Promise<boolean>,
  timeoutMs: number,
  cpu?: () => number,
): Promise<PollGaps> {
  const end = performance.now() + timeoutMs;
  const gaps: number[] = [];
  const cpuGaps: number[] = [];
  let last = performance.now();
  let lastCpu = cpu?.() ?? 0;
  for (let i = 0;; i++) {
    const res = await fetch(`${base}/healthz`);
    await res.body?.cancel();
    if (res.status !== 200) throw new Error(`/healthz answered ${res.status}`);
    const now = performance.now();
    gaps.push(now - last);
    last = now;
    if (cpu) {
      const c = cpu();
      cpuGaps.push(c - lastCpu);
      lastCpu = c;
    }
    if (i % 10 === 9 && await done()) break;
    if (now > end) throw new Error(`not done after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return { polls: gaps.length, maxMs: Math.max(...gaps), gaps, cpuGaps };
}
