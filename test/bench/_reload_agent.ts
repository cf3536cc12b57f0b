/**
 * @module The shared preamble of the reload bench, the soak and the fleet bench: two sets of `n`
 * farm targets (n - 1,000 shared) on 127.78.x.y, and the bundled agent on a config file that is
 * rewritten (tmp + rename) and reloaded with `POST /-/reload`.
 */
import { startTcpFarm, type TcpFarm } from "./compare/tcp_farm.ts";
import { freePort, spawnBundle, waitHttp } from "./compare/_common.ts";
import { staticGroupYaml } from "../_support/static_group_yaml.ts";

/** A farm of `n + 1,000` listeners and its two target sets of `n` (the middle `n - 1,000` shared). */
export interface FarmSets extends AsyncDisposable {
  readonly farm: TcpFarm;
  readonly sets: [string[], string[]];
}

/** Opens the farm on 127.78.x.y and splits it into the two alternating sets. */
export function startFarmSets(n: number): FarmSets {
  const farm = startTcpFarm(n + 1_000, 78);
  return {
    farm,
    sets: [farm.targets.slice(0, n), farm.targets.slice(1_000, n + 1_000)],
    [Symbol.asyncDispose]: () => farm[Symbol.asyncDispose](),
  };
}

/** The bundled agent on a rewritable config; dispose stops it and removes its dir. */
export interface ReloadAgent extends AsyncDisposable {
  readonly pid: number;
  readonly url: string;
  /** The agent's temporary dir (its config file; a WAL may go in there too). */
  readonly dir: string;
  metrics(): Promise<string>;
  /** Rewrites the config for `targets` atomically (tmp + rename); no reload. */
  write(targets: string[]): Promise<void>;
  /** `POST /-/reload` and the ms it took to answer (the body is discarded). */
  reload(): Promise<{ ok: boolean; status: number; ms: number }>;
  /**
   * Polls `/readyz` every `everyMs` (each request given up after 5 s) until 200; throws
   * `Cannot start the agent` after `timeoutMs`.
   */
  ready(timeoutMs: number, everyMs: number): Promise<void>;
}

/** The config of a {@linkcode ReloadAgent}. */
export interface ReloadAgentOptions {
  prefix: string;
  interval: string;
  /** The probe timeout; default `1s`. */
  timeout?: string;
  /** More keys of the `agent:` section, one a line (e.g. `labels: {agent: a1}`). */
  agentYaml?: string;
  /** Top-level sections appended (e.g. wal and push), given the agent's dir. */
  extraYaml?: (dir: string) => string;
}

/** Starts the bundle as {@linkcode startReloadAgent} does, without waiting for it to be ready. */
export async function spawnReloadAgent(
  targets: string[],
  options: ReloadAgentOptions,
): Promise<ReloadAgent> {
  const dir = await Deno.makeTempDir({ prefix: options.prefix });
  const port = freePort();
  const agentMore = options.agentYaml ? `  ${options.agentYaml}\n` : "";
  const config = (targets: string[]) => `
agent:
  listen: "127.0.0.1:${port}"
  log: {level: warning, format: text}
${agentMore}defaults: {interval: ${options.interval}, timeout: ${options.timeout ?? "1s"}}
probes:
  tcp: {type: tcp}
targets:
${staticGroupYaml("farm", targets)}
${options.extraYaml?.(dir) ?? ""}`;
  const path = `${dir}/vmprober.yaml`;
  await Deno.writeTextFile(path, config(targets));
  const agent = spawnBundle(path);
  const url = `http://127.0.0.1:${port}`;
  return {
    pid: agent.pid,
    url,
    dir,
    // A scrape cut short (a busy machine, the agent's write timeout) is retried, not fatal.
    metrics: async () => {
      for (let attempt = 1;; attempt++) {
        try {
          return await (await fetch(`${url}/metrics`)).text();
        } catch (e) {
          if (attempt === 5) throw e;
          console.log(`scrape ${attempt} failed (${e}), again in 1 s`);
          await new Promise((r) => setTimeout(r, 1_000));
        }
      }
    },
    async write(targets) {
      await Deno.writeTextFile(`${path}.tmp`, config(targets));
      await Deno.rename(`${path}.tmp`, path);
    },
    async reload() {
      const t0 = performance.now();
      const r = await fetch(`${url}/-/reload`, { method: "POST" });
      const ms = performance.now() - t0;
      await r.body?.cancel();
      return { ok: r.ok, status: r.status, ms };
    },
    async ready(timeoutMs, everyMs) {
      await waitHttp(`${url}/readyz`, timeoutMs, everyMs, 5_000).catch((e) => {
        throw new Error(`Cannot start the agent: ${e.message}`);
      });
    },
    async [Symbol.asyncDispose]() {
      await agent.stop();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/**
 * Starts the bundle on one static `tcp` target group of `targets` probed every `interval`, with
 * `extraYaml(dir)` appended (e.g. wal and push), and waits for `/readyz` 200 (≤ 60 s).
 */
export async function startReloadAgent(
  targets: string[],
  options: ReloadAgentOptions,
): Promise<ReloadAgent> {
  const agent = await spawnReloadAgent(targets, options);
  try {
    await agent.ready(60_000, 100);
  } catch (e) {
    await agent[Symbol.asyncDispose]();
    throw e;
  }
  return agent;
}
