/**
 * @module Config text → validated `Config`, every problem located as `file:line:col: key: message`.
 * Pure (no I/O): the loader reads the file, this turns text into a config or a ConfigError.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, visit } from "yaml";
import type { Document } from "yaml";
import type { Node, YAMLError } from "yaml";
import type * as z from "zod/mini";
import { type Config, configSchema } from "./schema.ts";
import { ConfigError, type ConfigProblem } from "./config_error.ts";
import { checkTreeSteps, precheckSteps } from "./yaml_guard.ts";
import { toJsSteps } from "./yaml_to_js.ts";
import { lineCol, locatePath, pathAt } from "./yaml_positions.ts";
import { describe, type IssueProblem, issueProblems } from "./issue_message.ts";
import { yamlDocumentSteps } from "./yaml_document.ts";
import { setAsideBigLists } from "./big_lists.ts";
import { runSync, type Steps } from "../base/slices.ts";

export { MAX_CONFIG_BYTES, MAX_DEPTH } from "./yaml_guard.ts";

/** Most problems reported at once (the first ones; later ones often follow from them). */
export const MAX_PROBLEMS = 20;

/** Parses and validates config text; throws ConfigError naming `file`. */
export function parseConfig(text: string, file: string): Config {
  return runSync(parseConfigSteps(text, file));
}

/**
 * {@linkcode parseConfig} as steps: the YAML parse (most of the time of a 100,000-target
 * static list) yields every few hundred tokens.
 */
export function* parseConfigSteps(text: string, file: string): Steps<Config> {
  return yield* parseYamlSteps(text, file, configSchema, {
    empty: "expected a mapping with at least `probes`, got an empty file",
    bigLists: true,
  });
}

/**
 * Parses YAML text and validates it against `schema` with the config file's rules (the same limits
 * on hostile input, the same `file:line:col: key: message` problems); `empty` is the message for
 * an empty file. Throws ConfigError naming `file`. For small files (the web config).
 */
export function parseYamlAs<T>(
  text: string,
  file: string,
  schema: z.ZodMiniType<T>,
  empty: string,
): T {
  return runSync(parseYamlSteps(text, file, schema, { empty, bigLists: false }));
}

function* parseYamlSteps<T>(
  text: string,
  file: string,
  schema: z.ZodMiniType<T>,
  options: { empty: string; bigLists: boolean },
): Steps<T> {
  const fail: (problems: ConfigProblem[]) => never = (problems) => {
    throw new ConfigError(file, problems.slice(0, MAX_PROBLEMS));
  };
  const at = (offset: number, path: string[] = [], message: string): ConfigProblem => ({
    ...lineCol(text, offset),
    path: path.join("."),
    message,
  });
  const early = yield* precheckSteps(text);
  if (early) fail([at(early.offset, [], early.message)]);

  const doc = yield* yamlDocumentSteps(text, { uniqueKeys: true, strict: true, merge: true });
  // Only the first syntax error: the ones after it are mostly its echoes.
  const yamlError = doc.errors[0] ?? doc.warnings[0];
  if (yamlError) {
    const offset = yamlOffset(yamlError, text);
    fail([at(offset, pathOf(yamlError, doc.contents), yamlMessage(yamlError, text))]);
  }
  const unsafe = yield* checkTreeSteps(doc.contents);
  if (unsafe) fail([at(unsafe.offset, pathAt(doc.contents, unsafe.offset), unsafe.message)]);

  let data: unknown;
  try {
    data = yield* toJsSteps(doc, { maxAliasCount: -1 });
  } catch (e) {
    // `<<: 5`, `<<: [a]`: the YAML library throws while merging, without a position.
    const offset = badMerge(doc) ?? 0;
    const why = (e as Error).message.replace(/^Merge sources must be maps or map aliases$/, "");
    fail([at(
      offset,
      pathAt(doc.contents, offset).map((k) => k === "Symbol(<<)" ? "<<" : k),
      why
        ? `invalid YAML: ${why}`
        : "expected a mapping or an alias of one after <<, got another value",
    )]);
  }
  if (data === null || data === undefined) {
    fail([at(0, [], options.empty)]);
  }
  if (typeof data !== "object" || Array.isArray(data)) {
    fail([at(0, [], `expected a mapping at the top level, got ${describe(data)}`)]);
  }
  // Big static lists are validated on their own (the config only: T is Config there).
  const aside = options.bigLists ? yield* setAsideBigLists(data) : undefined;
  yield;
  const quick = schema.safeParse(aside?.data ?? data, { reportInput: true });
  if (quick.success) return aside ? aside.restore(quick.data as Config) as T : quick.data;
  // Problems elsewhere: the whole data through the schema, for problems exactly as ever.
  const result = !aside || aside.data === data
    ? quick
    : schema.safeParse(data, { reportInput: true });
  if (result.success) return result.data;
  fail(
    result.error.issues.slice(0, MAX_PROBLEMS)
      .flatMap((issue) => issueProblems(issue, schema, data))
      .map((p) => at(offsetOf(p, doc.contents), p.path, p.message))
      .sort((a, b) => a.line - b.line || a.col - b.col),
  );
}

/** Offset of the first `<<` key whose value is not a mapping (or an alias of one, or a list of those). */
function badMerge(doc: Document.Parsed): number | undefined {
  const isMapLike = (n: unknown): boolean => isMap(n) || (isAlias(n) && isMap(n.resolve(doc)));
  let found: number | undefined;
  visit(doc, {
    Pair(_, pair) {
      if (!isPair(pair) || !isScalar(pair.key)) return;
      const k = pair.key.value;
      const merge = k === "<<" || (typeof k === "symbol" && k.description === "<<");
      if (!merge) return;
      const v = pair.value;
      const ok = isMapLike(v) || (isSeq(v) && v.items.every(isMapLike));
      if (!ok) {
        found = pair.key.range?.[0] ?? 0;
        return visit.BREAK;
      }
    },
  });
  return found;
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
