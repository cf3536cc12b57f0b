/**
 * @module Config text → validated `Config`, every problem located as `file:line:col: key: message`.
 * Pure (no I/O): the loader reads the file, this turns text into a config or a ConfigError.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { Node, YAMLMap } from "yaml";
import type { z } from "zod";
import { type Config, configSchema } from "./schema.ts";
import { ConfigError, type ConfigProblem } from "./config_error.ts";

/** Biggest config file accepted, in bytes. */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
/** Deepest nesting accepted (flow brackets or indentation levels). */
export const MAX_DEPTH = 64;

/** Parses and validates config text; throws ConfigError naming `file`. */
export function parseConfig(text: string, file: string): Config {
  const early = precheck(text);
  if (early) throw new ConfigError(file, [early]);
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lines,
    uniqueKeys: true,
    prettyErrors: false,
    strict: true,
  });
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return { line, col };
  };
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.slice(0, 10).map((e) => ({
        ...at(e.pos[0]),
        path: "",
        message: yamlMessage(e.code, e.message),
      })),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new ConfigError(file, [{
      line: 1,
      col: 1,
      path: "",
      message: String((e as Error).message),
    }]);
  }
  if (data === null || data === undefined) {
    throw new ConfigError(file, [{
      line: 1,
      col: 1,
      path: "",
      message: "expected a mapping with at least `probes`, got an empty file",
    }]);
  }
  if (typeof data !== "object" || Array.isArray(data)) {
    throw new ConfigError(file, [{
      line: 1,
      col: 1,
      path: "",
      message: `expected a mapping at the top level, got ${
        Array.isArray(data) ? "a list" : typeof data
      }`,
    }]);
  }
  const result = configSchema.safeParse(data);
  if (result.success) return result.data;
  throw new ConfigError(
    file,
    result.error.issues.slice(0, 20).map((i) => locateIssue(i, doc.contents, at)),
  );
}

function yamlMessage(code: string, message: string): string {
  const first = message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
  if (code === "TAB_AS_INDENT") return "tabs are not allowed for indentation in YAML, use spaces";
  if (code === "DUPLICATE_KEY") return "duplicate key (each key may appear once)";
  return `invalid YAML: ${first}`;
}

/** Catches what must not reach the YAML parser: NUL bytes, huge files, absurd nesting. */
function precheck(text: string): ConfigProblem | undefined {
  if (text.length > MAX_CONFIG_BYTES) {
    return {
      line: 1,
      col: 1,
      path: "",
      message: `file too large: ${text.length} bytes, at most ${MAX_CONFIG_BYTES} accepted`,
    };
  }
  let line = 1;
  let col = 1;
  let depth = 0;
  let lineStart = true;
  let indent = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return { line, col, path: "", message: "NUL byte in config file (binary file?)" };
    if (c === 10) {
      line++;
      col = 1;
      lineStart = true;
      indent = 0;
      continue;
    }
    if (lineStart) {
      if (c === 32 || c === 45) indent++;
      else {
        lineStart = false;
        if (indent > MAX_DEPTH * 4) {
          return { line, col, path: "", message: `nesting deeper than ${MAX_DEPTH} levels` };
        }
      }
    }
    if (c === 91 || c === 123) {
      depth++;
      if (depth > MAX_DEPTH) {
        return { line, col, path: "", message: `nesting deeper than ${MAX_DEPTH} levels` };
      }
    } else if (c === 93 || c === 125) depth = Math.max(0, depth - 1);
    col++;
  }
  return undefined;
}

function locateIssue(
  issue: z.core.$ZodIssue,
  root: unknown,
  at: (offset: number) => { line: number; col: number },
): ConfigProblem {
  const path = issue.path.map((p) => String(p));
  let node = root as Node | null;
  let keyNode: Node | null = null;
  for (const part of path) {
    if (isMap(node)) {
      const pair = (node as YAMLMap).items.find((p) =>
        isPair(p) && isScalar(p.key) && String(p.key.value) === part
      );
      if (!pair) break;
      keyNode = pair.key as Node;
      node = pair.value as Node | null;
    } else if (isSeq(node)) {
      const item = node.items[Number(part)];
      if (item === undefined) break;
      keyNode = item as Node;
      node = item as Node;
    } else break;
  }
  let dotted = path.join(".");
  let message = issueMessage(issue);
  if (issue.code === "unrecognized_keys" && isMap(node)) {
    const key = issue.keys[0]!;
    const pair = (node as YAMLMap).items.find((p) =>
      isPair(p) && isScalar(p.key) && String(p.key.value) === key
    );
    if (pair) keyNode = pair.key as Node;
    dotted = dotted ? `${dotted}.${key}` : key;
    message = issue.keys.length > 1
      ? `unknown keys ${issue.keys.map((k) => `"${k}"`).join(", ")}`
      : `unknown key "${key}"`;
  }
  const target = issue.code === "unrecognized_keys" ? keyNode : (node ?? keyNode);
  const offset = target?.range?.[0] ?? keyNode?.range?.[0] ?? 0;
  return { ...at(offset), path: dotted, message };
}

function issueMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined
        ? `required key missing (expected ${issue.expected})`
        : `expected ${issue.expected}, got ${describe(issue.input)}`;
    case "invalid_union":
      return "expected " +
        (issue.path.at(-1) === "type" ? "one of tcp, udp, icmp" : "a different value");
    case "invalid_value":
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${
        describe(issue.input)
      }`;
    case "too_small":
      return `expected ${
        issue.origin === "array" ? "at least " + issue.minimum + " items" : `>= ${issue.minimum}`
      }, got ${describe(issue.input)}`;
    case "too_big":
      return `expected ${
        issue.origin === "array" ? "at most " + issue.maximum + " items" : `<= ${issue.maximum}`
      }, got ${describe(issue.input)}`;
    default:
      return issue.message;
  }
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return JSON.stringify(v.length > 60 ? v.slice(0, 60) + "…" : v);
  return String(v);
}
