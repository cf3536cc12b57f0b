/** @module Entry point: dispatches to a command and turns its result into an exit code. */
import { err, out, UsageError } from "./cli/args.ts";
import { MAIN_HELP } from "./cli/help.ts";
import { runCommand } from "./cli/run_command.ts";
import { checkConfigCommand } from "./cli/check_config_command.ts";
import { probeCommand } from "./cli/probe_command.ts";
import { versionCommand } from "./cli/version_command.ts";

const COMMANDS: Record<string, (args: string[]) => number | Promise<number>> = {
  run: runCommand,
  "check-config": checkConfigCommand,
  probe: probeCommand,
  version: versionCommand,
  wal: async (args) => (await import("./cli/wal_command.ts")).walCommand(args),
  "import-blackbox": async (args) =>
    (await import("./cli/import_blackbox_command.ts")).importBlackboxCommand(args),
};

/** Runs the CLI on `args`; returns the exit code (0 ok, 1 usage/config, 2 runtime). */
export async function main(args: string[]): Promise<number> {
  const [first, ...rest] = args;
  if (first === "--help" || first === "-h" || first === "help") return (out(MAIN_HELP), 0);
  if (first === "--version") return versionCommand();
  const command = first === undefined || first.startsWith("-") ? "run" : first;
  const handler = COMMANDS[command];
  const commandArgs = command === first ? rest : args;
  if (!handler) {
    err(`vmprober: unknown command "${command}"\n\n${MAIN_HELP}`);
    return 1;
  }
  try {
    return await handler(commandArgs);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`vmprober ${command}: ${e.message}\nRun "vmprober ${command} --help" for usage.`);
      return 1;
    }
    err(`vmprober ${command}: ${(e as Error)?.stack ?? e}`);
    return 2;
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
