/** @module Helpers for target-discovery integration tests: closed loopback ports, targets JSON. */

import { type AgentProcess, startAgentProcess, writeConfig } from "./agent_process.ts";

/** A loopback TCP port nothing listens on (bound, then closed): probes to it are refused. */
export { closedPort } from "./tcp_servers.ts";

/** One entry of `GET /api/v1/targets`, as the agent serves it. */
export interface ApiTarget {
  address: string;
  sources: string[];
  labels: Record<string, string>;
  probes: { probe: string; last_result: unknown }[];
}

/** `address → labels` of the agent's targets, for compact assertions. */
export function labelsByAddress(targets: ApiTarget[]): Record<string, Record<string, string>> {
  return Object.fromEntries(targets.map((t) => [t.address, t.labels]));
}

/** Writes a file atomically (tmp + rename), as config management tools do. */
export async function writeAtomically(path: string, text: string): Promise<void> {
  await Deno.writeTextFile(`${path}.tmp`, text);
  await Deno.rename(`${path}.tmp`, path);
}

/** Waits until the agent answers 200 on /readyz (its sources loaded, scheduler running). */
export async function waitReady(
  agent: { get(path: string): Promise<{ status: number }> },
): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if ((await agent.get("/readyz")).status === 200) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("Agent not ready after 10 s");
}

/** The agent's `GET /api/v1/targets`, parsed. */
export async function apiTargets(agent: AgentProcess): Promise<ApiTarget[]> {
  return JSON.parse((await agent.get("/api/v1/targets")).text) as ApiTarget[];
}

/**
 * Starts the real agent with one target source entry (`source`: YAML list lines under
 * `targets:`), a tcp probe module, the WAL in `dir/wal`, and waits until it is ready.
 */
export async function startSdAgent(
  dir: string,
  source: string,
  options: { interval?: string } = {},
): Promise<AgentProcess> {
  const config = await writeConfig(
    `
agent: {listen: "127.0.0.1:0", log: {level: info, format: text}}
defaults: {interval: ${options.interval ?? "1s"}, timeout: 100ms}
probes:
  tcp: {type: tcp}
targets:
${source.replace(/^\n/, "").replace(/\n$/, "")}
wal: {dir: ${dir}/wal}
`,
    dir,
  );
  const agent = await startAgentProcess(config);
  try {
    await waitReady(agent);
  } catch (e) {
    await agent.stop();
    throw e;
  }
  return agent;
}
