/**
 * @module A real server process for integration tests (Prometheus, blackbox_exporter, vmagent,
 * vmauth): started on a free loopback port, waited for until an HTTP path answers 200, its
 * stderr kept for the failure message, stopped with SIGTERM and its temporary dir removed on
 * dispose.
 */
import { freePort } from "./tcp_servers.ts";

/** The running process. */
export interface ServedProcess extends AsyncDisposable {
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly base: string;
  /** What it wrote to stderr so far. */
  log(): string;
}

/** Options of {@linkcode spawnServed}. */
export interface ServedOptions {
  /** The process's temporary dir, removed on dispose. */
  dir: string;
  /** Answers 200 once the process serves (`/health`, `/-/ready`…). */
  readyPath: string;
}

/** Spawns `command` with `args(port)` and waits until `readyPath` answers 200 (≤ ~20 s). */
export async function spawnServed(
  command: string,
  args: (port: number) => string[],
  options: ServedOptions,
): Promise<ServedProcess> {
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = new Deno.Command(command, {
    args: args(port),
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  const pump = (async () => {
    const d = new TextDecoder();
    for await (const c of child.stderr) stderr += d.decode(c, { stream: true });
  })();
  const dispose = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    await child.status;
    await pump;
    await Deno.remove(options.dir, { recursive: true }).catch(() => {});
  };
  let ready = false;
  for (let i = 0; i < 400 && !ready; i++) {
    try {
      const r = await fetch(base + options.readyPath);
      await r.body?.cancel();
      ready = r.ok;
    } catch { /* not listening yet */ }
    if (!ready) await new Promise((r) => setTimeout(r, 50));
  }
  if (!ready) {
    await dispose();
    throw new Error(
      `Cannot start ${command}: ${base}${options.readyPath} never answered 200:\n${stderr}`,
    );
  }
  return { port, base, log: () => stderr, [Symbol.asyncDispose]: dispose };
}
