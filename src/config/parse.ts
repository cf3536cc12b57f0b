/**
 * @module Config text → validated `Config`, every problem located as `file:line:col: key: message`.
 * Pure (no I/O): the loader reads the file, this turns text into a config or a ConfigError.
 */
import { isScalar, parseDocument } from "yaml";
import type { Node, YAMLError } from "yaml";
import type * as z from "zod/mini";
import { type Config, configSchema } from "./schema.ts";
import { ConfigError, type ConfigProblem } from "./config_error.ts";
import { checkTree, precheck } from "./yaml_guard.ts";
import { lineCol, locatePath, pathAt } from "./yaml_positions.ts";
import { describe, type IssueProblem, issueProblems } from "./issue_message.ts";

export { MAX_CONFIG_BYTES, MAX_DEPTH } from "./yaml_guard.ts";

/** Most problems reported at once (the first ones; later ones often follow from them). */
export const MAX_PROBLEMS = 20;

/** Parses and validates config text; throws ConfigError naming `file`. */
export function parseConfig(text: string, file: string): Config {
  return parseYamlAs(
    text,
    file,
    configSchema,
    "expected a mapping with at least `probes`, got an empty file",
  );
}

/**
 * Parses YAML text and validates it against `schema` with the config file's rules (the same limits
 * on hostile input, the same `file:line:col: key: message` problems); `empty` is the message for
 * an empty file. Throws ConfigError naming `file`.
 */
export function parseYamlAs<T>(
  text: string,
  file: string,
  schema: z.ZodMiniType<T>,
  empty: string,
): T {
  const fail: (problems: ConfigProblem[]) => never = (problems) => {
    throw new ConfigError(file, problems.slice(0, MAX_PROBLEMS));
  };
  const at = (offset: number, path: string[] = [], message: string): ConfigProblem => ({
    ...lineCol(text, offset),
    path: path.join("."),
    message,
  });
  const early = precheck(text);
  if (early) fail([at(early.offset, [], early.message)]);

  const doc = parseDocument(text, {
    uniqueKeys: true,
    prettyErrors: false,
    strict: true,
    merge: true,
  });
  // Only the first syntax error: the ones after it are mostly its echoes.
  const yamlError = doc.errors[0] ?? doc.warnings[0];
  if (yamlError) {
    const offset = yamlOffset(yamlError, text);
    fail([at(offset, pathOf(yamlError, doc.contents), yamlMessage(yamlError, text))]);
  }
  const unsafe = checkTree(doc.contents);
  if (unsafe) fail([at(unsafe.offset, pathAt(doc.contents, unsafe.offset), unsafe.message)]);

  const data: unknown = doc.toJS({ maxAliasCount: -1 });
  if (data === null || data === undefined) {
    fail([at(0, [], empty)]);
  }
  if (typeof data !== "object" || Array.isArray(data)) {
    fail([at(0, [], `expected a mapping at the top level, got ${describe(data)}`)]);
  }
  const result = schema.safeParse(data, { reportInput: true });
  if (result.success) return result.data;
  fail(
    result.error.issues.slice(0, MAX_PROBLEMS)
      .flatMap((issue) => issueProblems(issue, schema, data))
      .map((p) => at(offsetOf(p, doc.contents), p.path, p.message))
      .sort((a, b) => a.line - b.line || a.col - b.col),
  );
}

/** Where a validation problem points: the key, the value, or the nearest enclosing key. */
function offsetOf(problem: IssueProblem, root: unknown): number {
  const found = locatePath(root, problem.path);
  let node: Node | undefined;
  if (found.depth === problem.path.length) {
    const emptyValue = isScalar(found.value) && found.value.value === null;
    node = problem.at === "key" || emptyValue
      ? (found.key ?? found.value)
      : (found.value ?? found.key);
  } else {
    // A missing key: point at the mapping that lacks it.
    const parent = locatePath(root, problem.path.slice(0, found.depth));
    node = parent.key ?? parent.value;
  }
  return node?.range?.[0] ?? 0;
}

/** Where a YAML error points: an unclosed quote or bracket at its opening, not at the end. */
function yamlOffset(e: YAMLError, text: string): number {
  const quote = /^Missing closing (["'])quote/.exec(e.message)?.[1];
  if (quote) {
    const open = text.lastIndexOf(quote, e.pos[0] - 1);
    if (open >= 0) return open;
  }
  if (/end with a [}\]]/.test(e.message)) return unclosedBracket(text) ?? e.pos[0];
  return e.pos[0];
}

/** Offset of the outermost `{` or `[` never closed (quotes and comments skipped), if any. */
function unclosedBracket(text: string): number | undefined {
  const open: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      for (i++; i < text.length && text[i] !== c; i++) if (c === '"' && text[i] === "\\") i++;
    } else if (c === "#" && (i === 0 || /\s/.test(text[i - 1]!))) {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === "{" || c === "[") open.push(i);
    else if (c === "}" || c === "]") open.pop();
  }
  return open[0];
}

function pathOf(e: YAMLError, root: unknown): string[] {
  return e.code === "DUPLICATE_KEY" ? pathAt(root, e.pos[0]) : [];
}

function yamlMessage(e: YAMLError, text: string): string {
  switch (e.code) {
    case "TAB_AS_INDENT":
      return "expected spaces for indentation, got a tab";
    case "DUPLICATE_KEY":
      return "duplicate key: expected each key once per mapping";
    case "MULTIPLE_DOCS":
      return "expected one YAML document, got a second one (a `---` line)";
    case "BAD_INDENT":
    case "MISSING_CHAR": {
      const open = /end with a [}\]]/.test(e.message) ? unclosedBracket(text) : undefined;
      if (open !== undefined) {
        return text[open] === "{"
          ? "invalid YAML: expected a closing } for this mapping, got none"
          : "invalid YAML: expected a closing ] for this list, got none";
      }
      const quote = /^Missing closing (["'])quote/.exec(e.message)?.[1];
      if (quote) return `invalid YAML: expected a closing ${quote} for this string, got none`;
      break;
    }
    case "TAG_RESOLVE_FAILED":
      return `unknown YAML tag ${JSON.stringify(text.slice(e.pos[0], e.pos[1]))}`;
  }
  const first = e.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
  return `invalid YAML: ${first.charAt(0).toLowerCase()}${first.slice(1)}`;
}
