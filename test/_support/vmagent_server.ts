/**
 * @module A real vmagent (Debian's victoria-metrics package) for integration tests: accepts
 * remote write on a free loopback port and relays it to `remoteWriteUrl`. Removed on dispose.
 */
import { freePort } from "./tcp_servers.ts";

/** The running relay. */
export interface VmagentServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>/api/v1/write`. */
  readonly writeUrl: string;
  /** `vmagent_remotewrite_*` and the rest of its own metrics. */
  metrics(): Promise<string>;
}

/** Starts `vmagent` and waits until `/health` answers (at most ~20 s). */
export async function startVmagent(remoteWriteUrl: string): Promise<VmagentServer> {
  const port = freePort();
  const dir = await Deno.makeTempDir({ prefix: "vmprober_vmagent_" });
  const base = `http://127.0.0.1:${port}`;
  const child = new Deno.Command("vmagent", {
    args: [
      `-httpListenAddr=127.0.0.1:${port}`,
      `-remoteWrite.url=${remoteWriteUrl}`,
      `-remoteWrite.tmpDataPath=${dir}`,
      "-remoteWrite.flushInterval=200ms",
      "-loggerLevel=ERROR",
    ],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const dispose = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* gone */ }
    await child.status;
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  for (let i = 0; i < 400; i++) {
    try {
      const r = await fetch(`${base}/health`);
      await r.body?.cancel();
      if (r.ok) {
        return {
          writeUrl: `${base}/api/v1/write`,
          metrics: async () => await (await fetch(`${base}/metrics`)).text(),
          [Symbol.asyncDispose]: dispose,
        };
      }
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  await dispose();
  throw new Error(`Cannot start vmagent on port ${port}: /health never answered`);
}
