/**
 * @module Shared parts of the side-by-side benchmark: one row type, peer processes started and
 * stopped by the harness, CPU and RSS of any pid from `/proc`, bounded HTTP polling.
 */
import { cpuSeconds, rssBytes } from "../_metrics.ts";
import { DENO, denoFlags, writeConfig } from "../../_support/agent_process.ts";
import { freePort } from "../../_support/tcp_servers.ts";
import { benchAgentEnv } from "./unit_env.ts";

export { cpuSeconds, freePort, rssBytes };

/** The repository root. */
export const ROOT = new URL("../../../", import.meta.url).pathname;

/** The bundle the comparison runs (what `deno task bundle` writes). */
export const BUNDLE = Deno.env.get("BENCH_ENTRY") ?? `${ROOT}dist/vmprober.js`;

/** One figure of one run: ours next to the peer's (`null` where no peer does this). */
export interface Figure {
  workload: string;
  metric: string;
  unit: string;
  ours: number;
  peer: number | null;
  peerName: string | null;
  /** Which direction is better, for the ratio's reading. */
  better: "lower" | "higher";
  /** The "Must reach" bound on `ours`, if any, e.g. `<= 20`. */
  goal?: string;
}

/** A maker of one workload's figures against one peer. */
export function figuresOf(workload: string, peerName: string) {
  return (
    metric: string,
    unit: string,
    ours: number,
    peer: number,
    better: "lower" | "higher",
    goal?: string,
  ): Figure => ({ workload, metric, unit, ours, peer, peerName, better, goal });
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A peer process that `await using` stops (SIGTERM, then SIGKILL after 10 s). */
export interface Peer extends AsyncDisposable {
  readonly child: Deno.ChildProcess;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Spawns `cmd args` with stdio discarded (`env` added to ours); the caller waits for readiness. */
export function spawnPeer(cmd: string, args: string[], env?: Record<string, string>): Peer {
  const child = new Deno.Command(cmd, {
    args,
    env,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  let stopped: Promise<void> | undefined;
  const stop = () =>
    stopped ??= (async () => {
      try {
        child.kill("SIGTERM");
      } catch { /* gone */ }
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* gone */ }
      }, 10_000);
      await child.status;
      clearTimeout(timer);
    })();
  return { child, pid: child.pid, stop, [Symbol.asyncDispose]: stop };
}

/**
 * Polls `url` every `everyMs` until it answers 200 or `timeoutMs` passes; returns ms waited. With
 * `fetchTimeoutMs`, a request that hangs that long (a peer too busy to answer) is given up and
 * sent again.
 */
export async function waitHttp(
  url: string,
  timeoutMs = 20_000,
  everyMs = 5,
  fetchTimeoutMs?: number,
): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    try {
      const signal = fetchTimeoutMs === undefined ? undefined : AbortSignal.timeout(fetchTimeoutMs);
      const r = await fetch(url, { signal });
      await r.body?.cancel();
      if (r.status === 200) return performance.now() - t0;
    } catch { /* not listening yet */ }
    await sleep(everyMs);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

/** A running bundled agent: its process and its `/metrics` text. */
export interface BenchAgent extends AsyncDisposable {
  readonly pid: number;
  metrics(): Promise<string>;
}

/**
 * The agent's deno flags: the binary's (scripts/deno_flags), or BENCH_DENO_FLAGS to try others
 * (e.g. another `--v8-flags=--max-semi-space-size=N`) without touching the shipped list.
 */
export function agentFlags(): string[] {
  return Deno.env.get("BENCH_DENO_FLAGS")?.trim().split(/\s+/) ?? denoFlags();
}

/**
 * Spawns the bundle with the binary's flags and the installed unit's environment (unit_env.ts):
 * `vmprober run --config <config>`.
 */
export function spawnBundle(config: string): Peer {
  return spawnPeer(
    DENO,
    ["run", ...agentFlags(), BUNDLE, "run", "--config", config],
    benchAgentEnv(ROOT),
  );
}

/**
 * Starts the bundled agent on `yaml` (whose `agent.listen` must be `127.0.0.1:0`: a free port is
 * put in) and waits for `/readyz` 200.
 */
export async function startBundledAgent(yaml: string): Promise<BenchAgent> {
  const port = freePort();
  const config = await writeConfig(yaml.replace('"127.0.0.1:0"', `"127.0.0.1:${port}"`));
  const agent = spawnBundle(config);
  try {
    await waitHttp(`http://127.0.0.1:${port}/readyz`, 20_000, 20);
  } catch (e) {
    await agent.stop();
    throw e;
  }
  return {
    pid: agent.pid,
    metrics: async () => await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(),
    async [Symbol.asyncDispose]() {
      await agent.stop();
      await Deno.remove(config.slice(0, config.lastIndexOf("/")), { recursive: true });
    },
  };
}

/** CPU and wall time of a pid over a window: `stop()` returns µs of CPU and seconds elapsed. */
export function cpuWindow(pid: number): () => { cpuUs: number; seconds: number } {
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  return () => ({
    cpuUs: (cpuSeconds(pid) - cpu0) * 1e6,
    seconds: (performance.now() - t0) / 1000,
  });
}

/** Address of farm host `i` inside `127.<net>.0.0/16` (1..250 in the last byte). */
export function farmHost(net: number, i: number): string {
  return `127.${net}.${Math.floor(i / 250)}.${(i % 250) + 1}`;
}

/** Rounds to `digits` decimals. */
export function round(v: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
