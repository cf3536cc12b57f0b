/**
 * @module The `file` source: Prometheus `file_sd` files (JSON or YAML) named by paths or globs,
 * re-read on change (`Deno.watchFs`) and every `refresh`.
 */
import { sourceFields } from "./source_fields.ts";
import { basename, extname } from "../base/paths.ts";
import { expandGlob, globBase, hasGlob, segmentToRegExp } from "./glob.ts";
import { FileReadError, readBoundedSteps } from "../base/read_bounded.ts";
import { runSliced } from "../base/slices.ts";
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_TARGETS, loadTargetGroups } from "./sd_format.ts";
import { SourceError } from "./source_error.ts";
import type { TargetGroup, TargetSource } from "./types.ts";

/** Default re-read period of a file source: 5 minutes (as Prometheus' file_sd). */
export const DEFAULT_FILE_REFRESH_MS = 5 * 60_000;

/** Options of {@linkcode createFileSource}. */
export interface FileSourceOptions {
  name: string;
  /** Absolute paths or glob patterns. */
  paths: readonly string[];
  probes: readonly string[];
  labels?: Record<string, string>;
  refreshMs?: number;
  /** Bound on each file. Default 10 MiB. */
  maxBytes?: number;
  /** Bound on the targets of all files together. Default 100,000. */
  maxTargets?: number;
  fingerprint?: string;
}

function formatOf(path: string): "json" | "yaml" | "auto" {
  const ext = extname(path).toLowerCase();
  return ext === ".json" ? "json" : ext === ".yml" || ext === ".yaml" ? "yaml" : "auto";
}

/**
 * Reads one file with synchronous calls in steps of 1 MiB, a turn of the event loop between them
 * (see base/read_bounded.ts: an async read waits for a free file thread, which a busy agent may
 * not have for minutes). A FIFO or device is refused before it is opened.
 */
async function readFile(path: string, maxBytes: number, signal: AbortSignal): Promise<Uint8Array> {
  try {
    return await runSliced(readBoundedSteps(path, maxBytes), { signal });
  } catch (e) {
    if (!(e instanceof FileReadError)) throw e;
    if (e.reason === "too_large") {
      throw new SourceError("too_large", `file exceeds the limit of ${maxBytes} bytes`);
    }
    throw new SourceError("io", `${path}: cannot read: ${e.message}`);
  }
}

/** A source reading `file_sd` files. A file that fails fails the whole source (last good kept). */
export function createFileSource(options: FileSourceOptions): TargetSource {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxTargets = options.maxTargets ?? DEFAULT_MAX_TARGETS;
  return {
    ...sourceFields("file", options, DEFAULT_FILE_REFRESH_MS),
    async load(signal: AbortSignal): Promise<TargetGroup[]> {
      const files = new Set<string>();
      for (const pattern of options.paths) {
        if (!hasGlob(pattern)) {
          files.add(pattern);
          continue;
        }
        try {
          for (const f of expandGlob(pattern)) files.add(f);
        } catch (e) {
          throw new SourceError("io", `${pattern}: cannot list: ${e}`);
        }
      }
      const groups: TargetGroup[] = [];
      let count = 0;
      for (const path of [...files]) {
        signal.throwIfAborted();
        try {
          const body = await readFile(path, maxBytes, signal);
          const format = formatOf(path);
          const parsed = await loadTargetGroups(body, { format, maxBytes, maxTargets }, signal);
          for (const g of parsed) count += g.targets.length;
          if (count > maxTargets) {
            throw new SourceError(
              "too_many_targets",
              `more than ${maxTargets} targets in all files`,
            );
          }
          groups.push(...parsed);
        } catch (e) {
          if (e instanceof SourceError && !e.message.startsWith(path)) {
            throw new SourceError(e.reason, `${path}: ${e.message}`, { cause: e });
          }
          throw e;
        }
      }
      return groups;
    },
    watch(onChange: () => void, signal: AbortSignal): void {
      const byDir = new Map<string, RegExp[]>();
      for (const pattern of options.paths) {
        const dir = globBase(pattern);
        const list = byDir.get(dir) ?? [];
        list.push(segmentToRegExp(basename(pattern)));
        byDir.set(dir, list);
      }
      for (const [dir, names] of byDir) {
        const recursive = options.paths.some((p) =>
          hasGlob(p) && p.startsWith(dir + "/") && p.slice(dir.length + 1).includes("/")
        );
        let watcher: Deno.FsWatcher;
        try {
          watcher = Deno.watchFs(dir, { recursive });
        } catch {
          continue; // A missing directory: the periodic refresh still notices it appearing.
        }
        if (signal.aborted) {
          watcher.close();
          return;
        }
        signal.addEventListener("abort", () => watcher.close(), { once: true });
        (async () => {
          for await (const event of watcher) {
            if (event.paths.some((p) => names.some((re) => re.test(basename(p))))) onChange();
          }
        })().catch(() => {});
      }
    },
  };
}
