/**
 * @module Debian's `vmauth` (VictoriaMetrics' auth proxy) on a free loopback port with a given
 * `-auth.config`; stopped on dispose.
 */
import { freePort } from "./tcp_servers.ts";

/** The running proxy. */
export interface VmauthServer extends AsyncDisposable {
  readonly base: string;
}

/** Writes `authConfig` (YAML) to a temp file, starts vmauth and waits until it listens. */
export async function startVmauth(authConfig: string): Promise<VmauthServer> {
  const dir = await Deno.makeTempDir({ prefix: "vmprober_vmauth_" });
  await Deno.writeTextFile(`${dir}/auth.yml`, authConfig);
  const port = freePort();
  const child = new Deno.Command("vmauth", {
    args: [
      `-httpListenAddr=127.0.0.1:${port}`,
      `-auth.config=${dir}/auth.yml`,
      "-loggerLevel=ERROR",
    ],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* gone */ }
    await child.status;
    await Deno.remove(dir, { recursive: true });
  };
  for (let i = 0; i < 200; i++) {
    try {
      const r = await fetch(`${base}/health`);
      await r.body?.cancel();
      if (r.ok) return { base, [Symbol.asyncDispose]: stop };
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  throw new Error(`Cannot start vmauth on port ${port}: /health never answered`);
}
