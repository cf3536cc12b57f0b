/** @module `vmprober run`: load the config, start the agent, stop gracefully on SIGTERM/SIGINT. */
import { loadConfig } from "../config/load.ts";
import { locateConfig } from "../config/locate.ts";
import { ConfigError } from "../config/config_error.ts";
import { logger, setupLogging } from "../log.ts";
import { type Agent, startAgent } from "../agent.ts";
import { RUN_HELP } from "./help.ts";
import { err, out, parseFlags } from "./args.ts";
import { loadWebConfig, type WebConfig } from "../http/web_config.ts";
import { dirname, resolvePath } from "../base/paths.ts";

/** Runs the agent until a stop signal; returns the exit code. */
export async function runCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, {
    config: { type: "string", short: "c" },
    "web.config.file": { type: "string" },
  });
  if (values.help) return (out(RUN_HELP), 0);
  const path = locateConfig(values.config);
  let config;
  let web: WebConfig | undefined;
  try {
    config = await loadConfig(path);
    const webFile = values["web.config.file"] ??
      (config.agent.web_config_file &&
        resolvePath(dirname(path), config.agent.web_config_file));
    if (webFile) web = await loadWebConfig(webFile);
  } catch (e) {
    if (e instanceof ConfigError) {
      err(e.message);
      return 1;
    }
    throw e;
  }
  await setupLogging(config.agent.log);
  const log = logger("main");
  // Signal handlers go in first: a stop during start-up still ends in a clean exit 0.
  let agent: Agent | undefined;
  let stopRequested = false;
  const starting = new AbortController();
  const onStop = (signal: string) => () => {
    log.info("Received {signal}", { signal });
    stopRequested = true;
    starting.abort();
    agent?.stop();
  };
  const handlers: [Deno.Signal, () => void][] = [
    ["SIGTERM", onStop("SIGTERM")],
    ["SIGINT", onStop("SIGINT")],
  ];
  for (const [s, h] of handlers) Deno.addSignalListener(s, h);
  try {
    agent = await startAgent({
      configPath: path,
      config,
      signal: starting.signal,
      web,
      dropPermissions: true,
    });
  } catch (e) {
    log.fatal("Cannot start: {error}", { error: (e as Error).message });
    for (const [s, h] of handlers) Deno.removeSignalListener(s, h);
    return 2;
  }
  if (stopRequested) agent.stop();
  await agent.stopped;
  for (const [s, h] of handlers) Deno.removeSignalListener(s, h);
  return 0;
}
