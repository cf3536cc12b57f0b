/** @module The agent's log records of one category, kept in memory for a test to assert on. */
import { configure, type LogRecord } from "@logtape/logtape";

/**
 * Routes `category` (info and up) into the returned array, and silences logtape's own meta
 * logger below error. Call logtape's `reset()` when done.
 */
export async function captureLogs(category: string[]): Promise<LogRecord[]> {
  const logs: LogRecord[] = [];
  await configure({
    reset: true,
    sinks: { mem: (r) => logs.push(r) },
    loggers: [
      { category: ["logtape", "meta"], sinks: [], lowestLevel: "error" },
      { category, sinks: ["mem"], lowestLevel: "info" },
    ],
  });
  return logs;
}
