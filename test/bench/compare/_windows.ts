/**
 * @module The measuring preamble the workloads share: the bundled agent on a fresh WAL dir, warmed
 * up, then `/metrics` and CPU taken around one window; blackbox_exporter started on its own
 * blackbox.yml and a free port, waited for until healthy.
 */
import {
  cpuWindow,
  freePort,
  type Peer,
  sleep,
  spawnPeer,
  startBundledAgent,
  waitHttp,
} from "./_common.ts";

/** What one agent window measured: `/metrics` before and after, CPU µs and seconds between. */
export interface AgentWindow {
  before: string;
  after: string;
  cpuUs: number;
  seconds: number;
}

/**
 * Starts the bundle on `yaml(walDir)` (a temporary WAL dir, removed after), sleeps `warmupMs`,
 * then measures `windowMs` (the `after` scrape inside the CPU window, as before).
 */
export async function agentWindow(
  yaml: (walDir: string) => string,
  options: { prefix: string; warmupMs: number; windowMs: number },
): Promise<AgentWindow> {
  const wal = await Deno.makeTempDir({ prefix: options.prefix });
  try {
    await using agent = await startBundledAgent(yaml(wal));
    await sleep(options.warmupMs);
    const before = await agent.metrics();
    const cpu = cpuWindow(agent.pid);
    await sleep(options.windowMs);
    const after = await agent.metrics();
    const { cpuUs, seconds } = cpu();
    return { before, after, cpuUs, seconds };
  } finally {
    await Deno.remove(wal, { recursive: true });
  }
}

/** A started blackbox_exporter: its port, process, a scratch dir, and how long it took to be healthy. */
export interface BlackboxPeer extends AsyncDisposable {
  readonly port: number;
  readonly pid: number;
  /** Its temporary dir (blackbox.yml; scripts of the driver may go in there too). */
  readonly dir: string;
  readonly readyMs: number;
}

/**
 * Starts `prometheus-blackbox-exporter` with `modulesYaml` as its blackbox.yml and waits for
 * `/-/healthy` (polled every `pollMs`).
 */
export async function startBlackboxPeer(
  modulesYaml: string,
  options: { prefix: string; pollMs?: number },
): Promise<BlackboxPeer> {
  const dir = await Deno.makeTempDir({ prefix: options.prefix });
  let bbe: Peer | undefined;
  try {
    await Deno.writeTextFile(`${dir}/bbe.yml`, modulesYaml);
    const port = freePort();
    bbe = spawnPeer("prometheus-blackbox-exporter", [
      `--config.file=${dir}/bbe.yml`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ]);
    const readyMs = await waitHttp(`http://127.0.0.1:${port}/-/healthy`, 20_000, options.pollMs);
    const peer = bbe;
    return {
      port,
      pid: peer.pid,
      dir,
      readyMs,
      async [Symbol.asyncDispose]() {
        await peer.stop();
        await Deno.remove(dir, { recursive: true });
      },
    };
  } catch (e) {
    await bbe?.stop();
    await Deno.remove(dir, { recursive: true });
    throw e;
  }
}
