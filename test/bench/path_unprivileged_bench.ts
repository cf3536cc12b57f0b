/**
 * Path RTTs with and without the raw socket, on the same chain in the same run: host — r1 —
 * r2 — target with 20 ms of delay on r1 → r2 (tc netem, or the seeded relay), each protocol
 * traced ROUNDS times alternately by the raw tracer and by the unprivileged one (its raw open
 * refused, so each run reads its own socket's error queue), 20 packets per hop per run.
 * Prints per hop the mean of the per-run median RTTs, raw next to unprivileged: the difference is
 * the poll's grain (errors in the queue carry no kernel stamp). Needs root and iproute2.
 *
 * Run: deno run -A --unstable-net test/bench/path_unprivileged_bench.ts
 */
import { createNetnsChain } from "../_support/netns_chain.ts";
import { createTracer } from "../../src/probes/path/tracer.ts";
import { SocketOpenError } from "../../src/probes/icmp/ffi_socket.ts";
import type { PathProtocol } from "../../src/probes/path/types.ts";

const ROUNDS = Number(Deno.env.get("ROUNDS") ?? 10);
await using chain = await createNetnsChain({ netem: { link: 1, delayMs: 20 }, alternate: false });
await using raw = createTracer();
await using unprivileged = createTracer({
  open: () => {
    throw new SocketOpenError(1, "refused for the bench");
  },
});
const ip = chain.targets[0]!.ip4;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const opts = (protocol: PathProtocol) => ({
  protocol,
  maxHops: 8,
  count: 20,
  intervalMs: 10,
  size: 56,
  port: protocol === "tcp" ? 80 : 33434,
  timeoutMs: 2000,
});
console.log(`load ${Deno.readTextFileSync("/proc/loadavg").trim()}, shaping ${chain.shaping}`);
for (const protocol of ["udp", "tcp"] as const) {
  const sums = { raw: [0, 0, 0], unprivileged: [0, 0, 0] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, tracer] of [["raw", raw], ["unprivileged", unprivileged]] as const) {
      const t = await tracer.trace(ip, 4, opts(protocol));
      if (t.failure || t.hops.length !== 3) throw new Error(`${name}: ${JSON.stringify(t)}`);
      t.hops.forEach((h, i) => sums[name][i]! += median(h.rttsSeconds) * 1000 / ROUNDS);
    }
  }
  for (let i = 0; i < 3; i++) {
    console.log(
      `${protocol} hop ${i + 1}: raw ${sums.raw[i]!.toFixed(2)} ms, unprivileged ` +
        `${sums.unprivileged[i]!.toFixed(2)} ms (mean of ${ROUNDS} run medians)`,
    );
  }
}
console.log(`load ${Deno.readTextFileSync("/proc/loadavg").trim()}`);
