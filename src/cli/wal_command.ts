/** @module `vmprober wal inspect`: what is in the WAL, read-only, as text or one JSON object. */
import { ConfigError } from "../config/config_error.ts";
import { loadConfig } from "../config/load.ts";
import { locateConfig } from "../config/locate.ts";
import { walDir } from "../config/wal_schema.ts";
import { inspectWal } from "../wal/inspect.ts";
import type { WalReport } from "../wal/wal.ts";

/** Help text of `vmprober wal`. */
export const WAL_HELP = `Usage: vmprober wal inspect [--dir DIR] [--config PATH] [--json]

Reads the write-ahead log without changing it (safe beside a running agent) and prints its
segments, records, samples, bytes on disk, samples pending push, and any damage found.

Options:
  --dir DIR       the WAL directory (default: wal.dir of the config)
  --config PATH   config file to take wal.dir from (default: $VMPROBER_CONFIG,
                  /etc/vmprober/vmprober.yaml, config/vmprober.yaml)
  --json          print one JSON object
  -h, --help      this help

Exit codes: 0 ok, 1 usage or config error, 2 the WAL cannot be read.`;

interface Flags {
  dir?: string;
  config?: string;
  json: boolean;
  help: boolean;
  positionals: string[];
}

/** Parses the flags of `wal`; throws `TypeError` on an unknown flag or a missing value. */
export function parseWalFlags(args: readonly string[]): Flags {
  const flags: Flags = { json: false, help: false, positionals: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.indexOf("=");
    const name = a.startsWith("--") && eq > 0 ? a.slice(0, eq) : a;
    const inline = a.startsWith("--") && eq > 0 ? a.slice(eq + 1) : undefined;
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined || v === "") {
        throw new TypeError(`Cannot parse ${name}: a value is required`);
      }
      return v;
    };
    if (name === "--dir") flags.dir = value();
    else if (name === "--config" || name === "-c") flags.config = value();
    else if (name === "--json") flags.json = true;
    else if (name === "--help" || name === "-h") flags.help = true;
    else if (a.startsWith("-")) throw new TypeError(`Cannot parse ${a}: unknown option`);
    else flags.positionals.push(a);
  }
  return flags;
}

/** Human text for a report. */
export function formatReport(dir: string, r: WalReport): string {
  const lines = [
    `WAL ${dir}`,
    `  segments:        ${r.segments}`,
    `  records:         ${r.records}`,
    `  samples:         ${r.samples}`,
    `  bytes:           ${r.bytes}`,
    `  pending samples: ${r.pending_samples} (push position ${r.push_position}, end ${r.end_offset})`,
    `  corrupt records: ${r.corrupt_records} (${r.corrupt_samples} samples, ${r.corrupt_bytes} bytes; ${r.corrupt_unparsed_bytes} of them unparsable, record count unknown)`,
    `  torn tail bytes: ${r.truncated_bytes}`,
    `  missing ranges:  ${r.missing_segments} (${r.missing_bytes} bytes, record count unknown)`,
    `  position file:   ${r.position_file}`,
  ];
  const stops = (s: readonly number[] | undefined) =>
    s?.length ? `, resend stops ${s.join(" ")}` : "";
  if (r.sent_stops?.length) lines.push(`  resend stops:    ${r.sent_stops.join(" ")}`);
  for (const [name, d] of Object.entries(r.destinations ?? {}).sort()) {
    lines.push(
      `  destination ${name}: ${d.pending_samples} pending (position ${d.push_position}, file ${d.file}${
        stops(d.sent_stops)
      })`,
    );
  }
  if (r.quarantined_files.length > 0) {
    lines.push(`  set aside:       ${r.quarantined_files.join(", ")} (in quarantine/)`);
  }
  if (r.ignored_files.length > 0) lines.push(`  ignored files:   ${r.ignored_files.join(", ")}`);
  return lines.join("\n");
}

/** Runs `vmprober wal ARGS…`; returns the exit code (0 ok, 1 usage/config, 2 unreadable WAL). */
export async function walCommand(args: string[]): Promise<number> {
  let flags: Flags;
  try {
    flags = parseWalFlags(args);
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${WAL_HELP}`);
    return 1;
  }
  if (flags.help) {
    console.log(WAL_HELP);
    return 0;
  }
  const [sub, ...rest] = flags.positionals;
  if (sub !== "inspect" || rest.length > 0) {
    console.error(`${sub ? `Unknown wal command: ${sub}` : "Missing wal command"}\n\n${WAL_HELP}`);
    return 1;
  }
  let dir = flags.dir;
  if (dir === undefined) {
    const path = locateConfig(flags.config);
    try {
      dir = walDir(await loadConfig(path));
    } catch (e) {
      console.error(e instanceof ConfigError ? e.message : `${path}: ${(e as Error).message}`);
      return 1;
    }
  }
  let report: WalReport;
  try {
    report = await inspectWal(dir);
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound ? "no such directory" : (e as Error).message;
    console.error(`Cannot inspect WAL ${dir}: ${why}`);
    return 2;
  }
  console.log(flags.json ? JSON.stringify({ dir, ...report }) : formatReport(dir, report));
  return 0;
}
