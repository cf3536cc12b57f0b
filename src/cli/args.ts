/** @module Flag parsing for every command (node:util parseArgs, strict), with usage errors as exit 1. */
import { parseArgs, type ParseArgsConfig } from "node:util";

/** A usage error: printed with the command's help hint, exit code 1. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Parses `args` against `options`; throws UsageError on unknown flags or missing values. */
export function parseFlags<T extends NonNullable<ParseArgsConfig["options"]>>(
  args: string[],
  options: T,
) {
  try {
    return parseArgs({
      args,
      options: { ...options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError(
      (e as Error).message.replace(/\. To specify a positional argument.*$/s, ""),
    );
  }
}

/** Prints to stdout. */
export function out(text: string): void {
  console.log(text);
}

/** Prints to stderr. */
export function err(text: string): void {
  console.error(text);
}
