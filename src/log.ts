/** @module Structured logging (logtape): JSON by default, text for terminals. */
import { configure, getLogger, type Logger, type LogRecord } from "@logtape/logtape";

/** Log levels accepted in the config. */
export type LogLevel = "debug" | "info" | "warning" | "error";

/** Options of {@linkcode setupLogging}. */
export interface LogOptions {
  level: LogLevel;
  format: "json" | "text";
}

const SECRET_KEY = /pass(word)?|token|secret|authorization/i;

function redact(properties: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(properties)) out[k] = SECRET_KEY.test(k) ? "<redacted>" : v;
  return out;
}

const encoder = new TextEncoder();

/** A sink writing one line per record to stderr, synchronously (no lines lost at exit). */
function stderrSink(format: (r: LogRecord) => string): (r: LogRecord) => void {
  return (record) => {
    const bytes = encoder.encode(format(record) + "\n");
    let off = 0;
    try {
      while (off < bytes.length) off += Deno.stderr.writeSync(bytes.subarray(off));
    } catch {
      // stderr closed: nothing sensible to do
    }
  };
}

/** Configure the root logger; call once per process (again on reload to change the level). */
export async function setupLogging(options: LogOptions): Promise<void> {
  await configure({
    reset: true,
    sinks: {
      out: stderrSink(
        options.format === "json"
          ? (r) =>
            JSON.stringify({
              time: new Date(r.timestamp).toISOString(),
              level: r.level,
              logger: r.category.join("."),
              msg: r.message.map((p) => typeof p === "string" ? p : JSON.stringify(p)).join(""),
              ...redact(r.properties),
            })
          : (r) => {
            const fields = Object.entries(redact(r.properties))
              .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(" ");
            const msg = r.message.map((p) => typeof p === "string" ? p : JSON.stringify(p)).join(
              "",
            );
            return `${new Date(r.timestamp).toISOString()} ${r.level.toUpperCase()} ${
              r.category.slice(1).join(".")
            }: ${msg}${fields ? " " + fields : ""}`;
          },
      ),
    },
    loggers: [
      { category: ["logtape", "meta"], sinks: [], lowestLevel: "error" },
      { category: ["vmprober"], sinks: ["out"], lowestLevel: options.level },
    ],
  });
}

/** A logger for one part of the agent, e.g. `logger("wal")`. */
export function logger(...category: string[]): Logger {
  return getLogger(["vmprober", ...category]);
}
