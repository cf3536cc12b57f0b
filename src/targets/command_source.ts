/**
 * @module The `command` source: an argv run every `refresh` whose stdout is `file_sd` JSON or
 * YAML. At its timeout (or when its output passes `max_bytes`) the command's whole process group
 * is killed and its status awaited, so no process or zombie is left behind.
 */
import { sourceFields } from "./source_fields.ts";
import { readLimited } from "./read_limited.ts";
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_TARGETS, loadTargetGroups } from "./sd_format.ts";
import { SourceError } from "./source_error.ts";
import type { TargetGroup, TargetSource } from "./types.ts";

/** Default run period of a command source: 1 minute. */
export const DEFAULT_COMMAND_REFRESH_MS = 60_000;
/** Default timeout of one run: 10 seconds. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 10_000;
/** How much of stderr is kept for the error message. */
const STDERR_KEEP = 4096;

/** Options of {@linkcode createCommandSource}. */
export interface CommandSourceOptions {
  name: string;
  /** Program and arguments; no shell. */
  run: readonly string[];
  probes: readonly string[];
  labels?: Record<string, string>;
  refreshMs?: number;
  timeoutMs?: number;
  maxBytes?: number;
  maxTargets?: number;
  fingerprint?: string;
}

/** Reads a stream to its end, keeping only its first `keep` bytes. */
async function readHead(stream: ReadableStream<Uint8Array>, keep: number, signal: AbortSignal) {
  const reader = stream.getReader();
  const onAbort = () => reader.cancel().catch(() => {});
  signal.addEventListener("abort", onAbort, { once: true });
  let text = "";
  const decoder = new TextDecoder();
  let size = 0;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      if (size < keep) text += decoder.decode(value.subarray(0, keep - size), { stream: true });
      size += value.byteLength;
    }
  } catch {
    // Cancelled: whatever arrived is enough for a message.
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
  return text;
}

function excerpt(stderr: string): string {
  const line = stderr.trim().split("\n").slice(-3).join(" | ");
  return line.length > 300 ? line.slice(0, 300) + "…" : line;
}

/** A source running a command. Non-zero exit, timeout, oversize or bad output fail it. */
export function createCommandSource(options: CommandSourceOptions): TargetSource {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const timeoutMs = options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const [program, ...args] = options.run;
  if (program === undefined) throw new TypeError("Cannot create command source: run is empty");
  return {
    ...sourceFields("command", options, DEFAULT_COMMAND_REFRESH_MS),
    async load(signal: AbortSignal): Promise<TargetGroup[]> {
      signal.throwIfAborted();
      let child: Deno.ChildProcess;
      try {
        child = new Deno.Command(program, {
          args,
          stdin: "null",
          stdout: "piped",
          stderr: "piped",
          // Its own process group, so a timeout kills the children it started too.
          detached: true,
        }).spawn();
      } catch (e) {
        throw new SourceError("io", `cannot run ${program}: ${(e as Error).message}`);
      }
      const stop = new AbortController();
      let killedFor: unknown;
      const kill = (why: unknown) => {
        if (stop.signal.aborted) return;
        killedFor = why;
        try {
          Deno.kill(-child.pid, "SIGKILL");
        } catch {
          try {
            child.kill("SIGKILL");
          } catch { /* already gone */ }
        }
        stop.abort(why);
      };
      const timer = setTimeout(
        () => kill(new SourceError("timeout", `${program}: killed after ${timeoutMs} ms timeout`)),
        timeoutMs,
      );
      const onAbort = () => kill(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      const stdoutP = readLimited(child.stdout, maxBytes, "output", stop.signal)
        .catch((e) => {
          kill(
            e instanceof SourceError ? new SourceError(e.reason, `${program}: ${e.message}`) : e,
          );
          return undefined;
        });
      const stderrP = readHead(child.stderr, STDERR_KEEP, stop.signal);
      try {
        const killed = new Promise<void>((resolve) =>
          stop.signal.addEventListener("abort", () => resolve(), { once: true })
        );
        await Promise.race([Promise.all([stdoutP, stderrP, child.status]), killed]);
        const status = await child.status; // Reaps the process: no zombie.
        if (stop.signal.aborted) {
          await Promise.allSettled([stdoutP, stderrP]);
          throw killedFor;
        }
        const [stdout, stderr] = await Promise.all([stdoutP, stderrP]);
        if (!status.success) {
          const how = status.signal ? `killed by ${status.signal}` : `exit code ${status.code}`;
          const err = excerpt(stderr);
          throw new SourceError("exit_code", `${program}: ${how}${err ? `: ${err}` : ""}`);
        }
        try {
          return await loadTargetGroups(stdout ?? new Uint8Array(), {
            format: "auto",
            maxBytes,
            maxTargets: options.maxTargets ?? DEFAULT_MAX_TARGETS,
          }, signal);
        } catch (e) {
          if (e instanceof SourceError) {
            throw new SourceError(e.reason, `${program}: output: ${e.message}`);
          }
          throw e;
        }
      } finally {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
      }
    },
  };
}
