/**
 * @module Debian's `vmauth` (VictoriaMetrics' auth proxy) on a free loopback port with a given
 * `-auth.config`; stopped on dispose.
 */
import { spawnServed } from "./served_process.ts";

/** The running proxy. */
export interface VmauthServer extends AsyncDisposable {
  readonly base: string;
}

/** Writes `authConfig` (YAML) to a temp file, starts vmauth and waits until it listens. */
export async function startVmauth(authConfig: string): Promise<VmauthServer> {
  const dir = await Deno.makeTempDir({ prefix: "vmprober_vmauth_" });
  await Deno.writeTextFile(`${dir}/auth.yml`, authConfig);
  const p = await spawnServed("vmauth", (port) => [
    `-httpListenAddr=127.0.0.1:${port}`,
    `-auth.config=${dir}/auth.yml`,
    "-loggerLevel=ERROR",
  ], { dir, readyPath: "/health" });
  return { base: p.base, [Symbol.asyncDispose]: () => p[Symbol.asyncDispose]() };
}
