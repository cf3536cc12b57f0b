/**
 * @module Starts the real agent as a child process from the CLI, with the binary's exact
 * permission flags, and talks to it over HTTP. `await using` stops it (SIGTERM, then SIGKILL).
 */
import { tempDirUntilExit } from "./temp_dir.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** The permission flags every run of the agent gets (the one list in scripts/deno_flags). */
export function denoFlags(): string[] {
  return Deno.readTextFileSync(`${ROOT}scripts/deno_flags`).trim().split(/\s+/);
}

/** The deno executable of this test run. */
export const DENO = Deno.execPath();

/** A running agent process. */
export interface AgentProcess extends AsyncDisposable {
  readonly child: Deno.ChildProcess;
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Everything written to stderr (the log) so far. */
  log(): string;
  /** GET a path, returning status and text. */
  get(path: string): Promise<{ status: number; text: string }>;
  /** The /metrics text. */
  metrics(): Promise<string>;
  /** Sends a signal and waits for the exit code. */
  stop(signal?: Deno.Signal): Promise<number>;
}

/** Options of {@linkcode startAgentProcess}. */
export interface StartOptions {
  /** Extra CLI args after `run --config PATH`. */
  args?: string[];
  env?: Record<string, string>;
  /** Run the bundle instead of src/main.ts. */
  entry?: string;
  /** Deno flags instead of the binary's (scripts/deno_flags). */
  flags?: string[];
  /** How long to wait for the "Listening on" log line. */
  startTimeoutMs?: number;
  /** A command the agent runs under: `[cmd, ...args]`, then `deno run …` (e.g. a seccomp filter). */
  wrap?: string[];
  /** Working directory of the agent (default: the repository root). */
  cwd?: string;
}

/**
 * Starts `vmprober run --config <configPath>`; the config should use `agent.listen` port 0 (or a
 * free port) and text or JSON logs. Resolves once the agent logs its listen address.
 */
export async function startAgentProcess(
  configPath: string,
  options: StartOptions = {},
): Promise<AgentProcess> {
  const entry = options.entry ?? `${ROOT}src/main.ts`;
  const argv = [
    DENO,
    "run",
    ...(options.flags ?? denoFlags()),
    entry,
    "run",
    "--config",
    configPath,
  ];
  const [command, ...args] = [...(options.wrap ?? []), ...argv, ...(options.args ?? [])];
  const child = new Deno.Command(command!, {
    args,
    cwd: options.cwd ?? ROOT,
    env: options.env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  let stdout = "";
  const decoder = new TextDecoder();
  const pump = async (stream: ReadableStream<Uint8Array>, add: (s: string) => void) => {
    for await (const chunk of stream) add(decoder.decode(chunk, { stream: true }));
  };
  const pumps = Promise.all([
    pump(child.stderr, (s) => (stderr += s)),
    pump(child.stdout, (s) => (stdout += s)),
  ]);
  const status = child.status;
  let exited: Deno.CommandStatus | undefined;
  status.then((s) => (exited = s));
  const deadline = Date.now() + (options.startTimeoutMs ?? 20_000);
  let url: string | undefined;
  while (!url) {
    const m = /Listening on (https?:\/\/[^\s/"]+)/.exec(stderr);
    if (m) url = m[1];
    else if (exited || Date.now() > deadline) {
      if (!exited) child.kill("SIGKILL");
      await status;
      await pumps;
      throw new Error(`Cannot start agent (exit ${exited?.code}):\n${stderr}\n${stdout}`);
    } else await new Promise((r) => setTimeout(r, 25));
  }
  const get = async (path: string) => {
    const res = await fetch(url + path);
    return { status: res.status, text: await res.text() };
  };
  let stopped: Promise<number> | undefined;
  const stop = (signal: Deno.Signal = "SIGTERM") =>
    stopped ??= (async () => {
      if (!exited) {
        try {
          child.kill(signal);
        } catch {
          // already gone
        }
      }
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch {
          // already gone
        }
      }, 15_000);
      const s = await status;
      clearTimeout(timer);
      await pumps;
      return s.signal ? 128 + (s.signal === "SIGKILL" ? 9 : 15) : s.code;
    })();
  return {
    child,
    url,
    log: () => stderr,
    get,
    metrics: async () => (await get("/metrics")).text,
    stop,
    [Symbol.asyncDispose]: async () => {
      await stop();
    },
  };
}

/** Polls `check` every 50 ms until it returns a value (not undefined) or `timeoutMs` passes. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 15_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The value of the first sample of `name` whose label text contains every `labels` pair. */
export function metricValue(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split("\n")) {
    if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) continue;
    const ok = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (ok) return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return undefined;
}

/** {@linkcode metricValue} of the agent's `/metrics` now, 0 when the sample is not there. */
export async function agentMetric(
  agent: AgentProcess,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  return metricValue(await agent.metrics(), name, labels) ?? 0;
}

/** Writes a config to a fresh temp dir (removed when the test process exits) and returns its path. */
export async function writeConfig(yaml: string, dir?: string): Promise<string> {
  const d = dir ?? await tempDirUntilExit({ prefix: "vmprober-test-" });
  const path = `${d}/vmprober.yaml`;
  await Deno.writeTextFile(path, yaml);
  return path;
}
