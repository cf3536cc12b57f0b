/**
 * @module A real vmagent (Debian's victoria-metrics package) for integration tests: accepts
 * remote write on a free loopback port and relays it to `remoteWriteUrl`. Removed on dispose.
 */
import { spawnServed } from "./served_process.ts";

/** The running relay. */
export interface VmagentServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>/api/v1/write`. */
  readonly writeUrl: string;
  /** `vmagent_remotewrite_*` and the rest of its own metrics. */
  metrics(): Promise<string>;
}

/** Starts `vmagent` and waits until `/health` answers (at most ~20 s). */
export async function startVmagent(remoteWriteUrl: string): Promise<VmagentServer> {
  const dir = await Deno.makeTempDir({ prefix: "vmprober_vmagent_" });
  const p = await spawnServed("vmagent", (port) => [
    `-httpListenAddr=127.0.0.1:${port}`,
    `-remoteWrite.url=${remoteWriteUrl}`,
    `-remoteWrite.tmpDataPath=${dir}`,
    "-remoteWrite.flushInterval=200ms",
    "-loggerLevel=ERROR",
  ], { dir, readyPath: "/health" });
  return {
    writeUrl: `${p.base}/api/v1/write`,
    metrics: async () => await (await fetch(`${p.base}/metrics`)).text(),
    [Symbol.asyncDispose]: () => p[Symbol.asyncDispose](),
  };
}
