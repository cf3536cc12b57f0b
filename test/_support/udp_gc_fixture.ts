/**
 * @module A UDP prober process for the FFI buffer lifetime test: 300 probes to a closed loopback
 * port (each answered through the error queue), with a full GC every 10 (needs
 * `--v8-flags=--expose-gc`), then closes the pool and prints `ok` and the reasons seen.
 */
import { createUdpProbe } from "../../src/probes/udp.ts";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --v8-flags=--expose-gc");
const probe = createUdpProbe();
const port = Number(Deno.args[0]);
const reasons = new Set<string>();
for (let i = 0; i < 300; i++) {
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
