/**
 * @module Parsing Prometheus `file_sd` (JSON or YAML) and `http_sd` (JSON) bodies into target
 * groups, strictly: a body too big, with too many targets or not in the format is rejected whole.
 */
import YAML from "yaml";
import { addressProblem } from "./address_check.ts";
import { SourceError } from "./source_error.ts";
import { runSliced, runSync, STEP_ITEMS, type Steps } from "../base/slices.ts";
import { parseJsonSteps } from "./sliced_json.ts";
import type { TargetGroup } from "./types.ts";
import { reservedLabelProblem } from "../base/reserved_labels.ts";

/** Default bound on one SD body (file, HTTP response, command output): 10 MiB. */
export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
/** Default bound on the targets of one source. */
export const DEFAULT_MAX_TARGETS = 100_000;

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Options of {@linkcode parseTargetGroups}. */
export interface SdFormatOptions {
  /** `json`, `yaml`, or `auto` (JSON when the body starts with `[`, else YAML). Default `auto`. */
  format?: "json" | "yaml" | "auto";
  /** Reject bodies larger than this many bytes. Default 10 MiB. */
  maxBytes?: number;
  /** Reject bodies with more targets than this (summed over groups). Default 100,000. */
  maxTargets?: number;
}

/** Bytes decoded between two `yield`s (36 MB in one `decode` held the loop ~100 ms of CPU). */
export const DECODE_CHUNK = 1 << 20;

function* decode(body: string | Uint8Array, maxBytes: number): Steps<string> {
  if (typeof body === "string") {
    if (body.length > maxBytes) throw tooLarge(body.length, maxBytes);
    return body;
  }
  if (body.byteLength > maxBytes) throw tooLarge(body.byteLength, maxBytes);
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const parts: string[] = [];
  try {
    for (let at = 0; at < body.byteLength; at += DECODE_CHUNK) {
      const end = Math.min(body.byteLength, at + DECODE_CHUNK);
      parts.push(decoder.decode(body.subarray(at, end), { stream: end < body.byteLength }));
      yield;
    }
    if (body.byteLength === 0) parts.push(decoder.decode(body));
  } catch {
    throw new SourceError("format", "body is not valid UTF-8");
  }
  return parts.length === 1 ? parts[0]! : parts.join("");
}

function tooLarge(size: number, maxBytes: number): SourceError {
  return new SourceError("too_large", `body of ${size} bytes exceeds the limit of ${maxBytes}`);
}

function* parseText(text: string, format: "json" | "yaml" | "auto"): Steps<unknown> {
  const json = format === "json" || (format === "auto" && /^\s*\[/.test(text));
  try {
    if (json) return yield* parseJsonSteps(text);
    return YAML.parse(text, { maxAliasCount: 100, uniqueKeys: true, logLevel: "error" });
  } catch (e) {
    const what = json ? "JSON" : "YAML";
    const msg = (e instanceof Error ? e.message : String(e)).split("\n")[0];
    throw new SourceError("format", `invalid ${what}: ${msg}`);
  }
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return `"${v.length > 40 ? v.slice(0, 40) + "…" : v}"`;
  return typeof v === "object" ? "an object" : `${typeof v} ${String(v)}`;
}

function bad(where: string, message: string): SourceError {
  return new SourceError("format", `${where}: ${message}`);
}

/**
 * Validates an already parsed SD document: an array of `{targets: string[], labels?: {..}}`.
 * Label names starting with `__` are dropped (Prometheus drops them after relabelling too).
 */
export function validateTargetGroups(
  doc: unknown,
  maxTargets = DEFAULT_MAX_TARGETS,
): TargetGroup[] {
  return runSync(validateSteps(doc, maxTargets));
}

/** {@linkcode validateTargetGroups} as steps (a `yield` every few hundred targets). */
export function* validateSteps(doc: unknown, maxTargets: number): Steps<TargetGroup[]> {
  if (doc === null || doc === undefined) return [];
  if (!Array.isArray(doc)) {
    throw bad("document", `expected an array of {targets, labels} groups, got ${describe(doc)}`);
  }
  const groups: TargetGroup[] = [];
  let total = 0;
  for (let i = 0; i < doc.length; i++) {
    const g: unknown = doc[i];
    const where = `group ${i}`;
    if (g === null || typeof g !== "object" || Array.isArray(g)) {
      throw bad(where, `expected an object {targets, labels}, got ${describe(g)}`);
    }
    const { targets, labels, ...rest } = g as Record<string, unknown>;
    const unknown = Object.keys(rest);
    if (unknown.length > 0) throw bad(where, `unknown key "${unknown[0]}"`);
    if (!Array.isArray(targets)) {
      throw bad(`${where}.targets`, `expected an array of addresses, got ${describe(targets)}`);
    }
    total += targets.length;
    if (total > maxTargets) {
      throw new SourceError("too_many_targets", `more than ${maxTargets} targets`);
    }
    for (let j = 0; j < targets.length; j++) {
      const t: unknown = targets[j];
      if (typeof t !== "string") {
        throw bad(`${where}.targets[${j}]`, `expected an address string, got ${describe(t)}`);
      }
      const problem = addressProblem(t);
      if (problem) throw bad(`${where}.targets[${j}]`, `invalid address "${t}": ${problem}`);
      if (j % STEP_ITEMS === STEP_ITEMS - 1) yield;
    }
    const out: Record<string, string> = {};
    const dropped: string[] = [];
    if (labels !== undefined && labels !== null) {
      if (typeof labels !== "object" || Array.isArray(labels)) {
        throw bad(`${where}.labels`, `expected an object of name: value, got ${describe(labels)}`);
      }
      for (const [name, value] of Object.entries(labels)) {
        if (!LABEL_NAME.test(name)) throw bad(`${where}.labels`, `invalid label name "${name}"`);
        if (typeof value !== "string") {
          throw bad(`${where}.labels.${name}`, `expected a string value, got ${describe(value)}`);
        }
        // `__meta_*` and other internal names go silently, as in Prometheus; names our own
        // series use would duplicate a label: data, not an error — dropped and counted.
        if (name.startsWith("__")) continue;
        if (reservedLabelProblem(name)) dropped.push(name);
        else out[name] = value;
      }
    }
    groups.push({
      targets: targets as string[],
      labels: out,
      ...(dropped.length ? { dropped } : {}),
    });
    yield;
  }
  return groups;
}

/**
 * Parses a `file_sd`/`http_sd` body. Throws a {@linkcode SourceError} (reason `too_large`,
 * `too_many_targets` or `format`) that says what is wrong and where.
 *
 * @example
 * ```ts
 * import { parseTargetGroups } from "./sd_format.ts";
 * const groups = parseTargetGroups('[{"targets": ["10.0.0.1:22"], "labels": {"dc": "fra"}}]');
 * if (groups[0]?.labels.dc !== "fra") throw new Error();
 * ```
 */
export function parseTargetGroups(
  body: string | Uint8Array,
  options: SdFormatOptions = {},
): TargetGroup[] {
  return runSync(parseSteps(body, options));
}

/**
 * {@linkcode parseTargetGroups} in time slices, giving the event loop a turn every few ms
 * (2,000,000 targets: no stall over ~10 ms but the UTF-8 decode); rejects with `signal.reason`
 * as soon as `signal` aborts.
 */
export function loadTargetGroups(
  body: string | Uint8Array,
  options: SdFormatOptions = {},
  signal?: AbortSignal,
): Promise<TargetGroup[]> {
  return runSliced(parseSteps(body, options), { signal });
}

function* parseSteps(body: string | Uint8Array, options: SdFormatOptions): Steps<TargetGroup[]> {
  const text = yield* decode(body, options.maxBytes ?? DEFAULT_MAX_BYTES);
  const doc = yield* parseText(text, options.format ?? "auto");
  return yield* validateSteps(doc, options.maxTargets ?? DEFAULT_MAX_TARGETS);
}
