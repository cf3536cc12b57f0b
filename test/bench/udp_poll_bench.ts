/**
 * The cost of reading UDP replies by polling our own FFI sockets (every 1 ms while a probe
 * waits), next to Deno's event-driven sockets (the pool's fallback, the old code's only path),
 * in the same process and run: 500 loopback echo responders (in a child process), each probed
 * once every 1.1 s (an endpoint stays reserved on its socket for 1 s after a reply) for 10 s each
 * way; prints probes/s, process CPU per probe and the median probe duration.
 *
 * Run: deno run -A --unstable-net test/bench/udp_poll_bench.ts
 */
import { createUdpProbe } from "../../src/probes/udp.ts";
import type { ProbeJob } from "../../src/schedule/job.ts";

const CONCURRENCY = 500;
const SECONDS = 10;
const child = new Deno.Command(Deno.execPath(), {
  args: [
    "eval",
    `
const ports = [];
for (let i = 0; i < ${CONCURRENCY}; i++) {
  const c = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  ports.push(c.addr.port);
  (async () => { for (;;) { const [d, a] = await c.receive(); await c.send(d, a); } })();
}
console.log(JSON.stringify(ports));
`,
  ],
  stdout: "piped",
}).spawn();
const reader = child.stdout.getReader();
const { value } = await reader.read();
const ports: number[] = JSON.parse(new TextDecoder().decode(value));

const job = (port: number): ProbeJob<"udp"> => ({
  target: `127.0.0.1:${port}`,
  host: "127.0.0.1",
  port,
  probe: "u",
  type: "udp",
  timeoutMs: 1000,
  ipProtocol: "auto",
  options: { type: "udp", payload: "ping" },
});

for (const kind of ["ffi", "deno"] as const) {
  const probe = createUdpProbe(
    kind === "deno" ? { listen: (o) => Deno.listenDatagram(o) } : {},
  );
  const durations: number[] = [];
  let failed = 0;
  const end = performance.now() + SECONDS * 1000;
  const cpu0 = process.cpuUsage();
  await Promise.all(ports.map(async (port) => {
    while (performance.now() < end) {
      const o = await probe.run(job(port), new AbortController().signal);
      if (o.success) durations.push(o.durationSeconds);
      else failed++;
      await new Promise((r) => setTimeout(r, 1100));
    }
  }));
  const cpu = process.cpuUsage(cpu0);
  durations.sort((a, b) => a - b);
  const n = durations.length;
  console.log(
    `${kind.padEnd(5)} ${(n / SECONDS).toFixed(0)} probes/s, ${
      ((cpu.user + cpu.system) / n).toFixed(1)
    } µs CPU per probe, median ${
      (durations[n >> 1]! * 1000).toFixed(3)
    } ms, ${failed} failed, sockets ${probe.mux.sockets()} (${probe.mux.kind()})`,
  );
  await probe.close();
}
child.kill();
await child.status;
console.log(
  `nproc ${navigator.hardwareConcurrency}; loadavg ${
    (await Deno.readTextFile("/proc/loadavg")).trim()
  }`,
);
