/**
 * @module A UDP prober process for the FFI buffer lifetime test: 600 probes to closed loopback
 * ports given as arguments, round robin (each answered through the error queue), with a full GC
 * every 10 (needs
 * `--v8-flags=--expose-gc`), then closes the pool and prints `ok` and the reasons seen.
 */
import { createUdpProbe } from "../../src/probes/udp.ts";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --v8-flags=--expose-gc");
const probe = createUdpProbe();
const ports = Deno.args.map(Number);
const reasons = new Set<string>();
// An endpoint stays held on its socket for a second after its answer: with 6 ports, 600 probes
// need about 100 sockets of the pool's 256.
for (let i = 0; i < 600; i++) {
  const port = ports[i % ports.length]!;
  const o = await probe.run({
    target: `127.0.0.1:${port}`,
    host: "127.0.0.1",
    port,
    probe: "u",
    type: "udp",
    timeoutMs: 500,
    ipProtocol: "auto",
    options: { type: "udp", payload: "x".repeat(i % 100) },
  }, new AbortController().signal);
  reasons.add(String(o.reason));
  if (i % 10 === 0) gc();
}
await probe.close();
gc();
console.log("ok", [...reasons].join(","));
