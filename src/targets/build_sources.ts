/**
 * @module Turning the config's `targets:` list into target sources: relative paths resolve against
 * the config file's directory; a source is named by its `name` or `<kind>_<index>`.
 */
import type { Config, TargetSourceConfig } from "../config/schema.ts";
import { createCommandSource } from "./command_source.ts";
import { createFileSource } from "./file_source.ts";
import { createHttpSource } from "./http_source.ts";
import { resolvePath } from "../base/paths.ts";
import { createStaticSource } from "./static_source.ts";
import type { TargetSource } from "./types.ts";
import type { Registry } from "../base/prom.ts";
import { expandTemplate } from "../config/url_template.ts";
import { notModifiedCounter } from "./sd_http_metrics.ts";
import { runSync, type Steps } from "../base/slices.ts";

/** Options of {@linkcode buildSources}. */
export interface BuildSourcesOptions {
  /** Directory of the config file; relative paths in it resolve against this. */
  configDir: string;
  /** Where HTTP sources count their 304 answers. */
  registry?: Registry;
  /** The host name `${hostname}` in an HTTP source's URL stands for. Default: `Deno.hostname()`. */
  hostname?: string;
}

/** The kind of a validated source entry. */
export function sourceKind(entry: TargetSourceConfig): "static" | "file" | "http" | "command" {
  if (entry.static) return "static";
  if (entry.file) return "file";
  if (entry.http) return "http";
  return "command";
}

/** The name a source entry gets: its `name`, else `<kind>_<index>` (`file_1`). */
export function sourceName(entry: TargetSourceConfig, index: number): string {
  return entry.name ?? `${sourceKind(entry)}_${index}`;
}

interface Context {
  dir: string;
  labels: Readonly<Record<string, string>>;
  hostname: () => string;
  registry?: Registry;
}

/** Targets per piece of a static source's fingerprint (one `JSON.stringify` each: ~0.1 ms). */
export const FINGERPRINT_CHUNK = 1_000;

/**
 * A static entry's fingerprint, in steps: `JSON.stringify(["static", entry])` for a short list;
 * for a longer one, the entry with an empty list, then the list in pieces, one a line (a
 * 100,000-target list in one `JSON.stringify`: 5-16 ms). One JSON text has no line break, so the
 * two forms never meet.
 */
export function* staticFingerprintSteps(entry: TargetSourceConfig): Steps<string> {
  const targets = entry.static?.targets ?? [];
  if (targets.length <= FINGERPRINT_CHUNK) return JSON.stringify(["static", entry]);
  const parts = [
    JSON.stringify(["static", { ...entry, static: { ...entry.static, targets: [] } }]),
  ];
  for (let i = 0; i < targets.length; i += FINGERPRINT_CHUNK) {
    yield;
    parts.push(JSON.stringify(targets.slice(i, i + FINGERPRINT_CHUNK)));
  }
  return parts.join("\n");
}

function buildOne(
  entry: TargetSourceConfig,
  index: number,
  cx: Context,
  fingerprint?: string,
): TargetSource {
  const dir = cx.dir;
  const name = sourceName(entry, index);
  // A source's `job` travels as its `job` label (operators cannot write one: reserved), so it
  // merges with the same precedence as the other labels.
  const labels = entry.job === undefined ? entry.labels ?? {} : { ...entry.labels, job: entry.job };
  const common = { name, probes: entry.probes, labels };
  if (entry.static) {
    return createStaticSource({
      ...common,
      targets: entry.static.targets,
      groupLabels: entry.static.labels,
      fingerprint: fingerprint ?? JSON.stringify(["static", entry]),
    });
  }
  if (entry.file) {
    const paths = entry.file.paths.map((p) => resolvePath(dir, p));
    return createFileSource({
      ...common,
      paths,
      refreshMs: entry.file.refresh,
      fingerprint: JSON.stringify(["file", entry, paths]),
    });
  }
  if (entry.http) {
    const h = entry.http;
    const tokenFile = h.bearer_token_file ? resolvePath(dir, h.bearer_token_file) : undefined;
    const url = h.url.includes("${")
      ? expandTemplate(h.url, { hostname: cx.hostname(), labels: cx.labels })
      : h.url;
    const notModified = cx.registry ? notModifiedCounter(cx.registry) : undefined;
    notModified?.inc({ source: name }, 0);
    return createHttpSource({
      ...common,
      url,
      onNotModified: () => notModified?.inc({ source: name }),
      refreshMs: h.refresh,
      timeoutMs: h.timeout,
      headers: h.headers,
      bearerTokenFile: tokenFile,
      maxBytes: h.max_bytes,
      maxTargets: h.max_targets,
      fingerprint: JSON.stringify(["http", entry, tokenFile, url]),
    });
  }
  const c = entry.command!;
  const [program, ...args] = c.run;
  // `./list.sh` is relative to the config file; `list-targets` is looked up in PATH.
  const run = program!.includes("/") ? [resolvePath(dir, program!), ...args] : c.run;
  return createCommandSource({
    ...common,
    run,
    refreshMs: c.refresh,
    timeoutMs: c.timeout,
    maxBytes: c.max_bytes,
    maxTargets: c.max_targets,
    fingerprint: JSON.stringify(["command", entry, run]),
  });
}

/**
 * Builds one source per `targets:` entry, in config order. Throws a `TypeError` when two entries
 * share a name (the `source` label must be unique).
 */
export function buildSources(config: Config, options: BuildSourcesOptions): TargetSource[] {
  return runSync(buildSourcesSteps(config, options));
}

/** {@linkcode buildSources} as steps (a long static list is fingerprinted in pieces). */
export function* buildSourcesSteps(
  config: Config,
  options: BuildSourcesOptions,
): Steps<TargetSource[]> {
  const seen = new Map<string, number>();
  let host: string | undefined;
  const cx: Context = {
    dir: options.configDir,
    labels: config.agent.labels,
    hostname: () => host ??= options.hostname ?? Deno.hostname(),
    registry: options.registry,
  };
  const sources: TargetSource[] = [];
  for (let i = 0; i < config.targets.length; i++) {
    const entry = config.targets[i]!;
    const name = sourceName(entry, i);
    const first = seen.get(name);
    if (first !== undefined) {
      throw new TypeError(
        `targets[${i}].name: duplicate source name "${name}" (also targets[${first}])`,
      );
    }
    seen.set(name, i);
    const fingerprint = entry.static ? yield* staticFingerprintSteps(entry) : undefined;
    sources.push(buildOne(entry, i, cx, fingerprint));
  }
  return sources;
}
