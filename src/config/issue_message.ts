/**
 * @module A zod issue → what the operator reads: the key path, an `expected X, got Y` message and
 * whether it points at the key or at the value. Pure.
 */
import type * as z from "zod/mini";
import { closest, knownKeys } from "./suggest.ts";

/** One problem before it is located in the text. */
export interface IssueProblem {
  path: string[];
  message: string;
  /** Point at the key (unknown or invalid keys) or at the value (everything else). */
  at: "key" | "value";
}

const NOUNS: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  object: "a mapping",
  record: "a mapping",
  array: "a list",
  null: "nothing",
};

/** Describes a config value the way an operator wrote it, e.g. `"fast"`, `22`, `a list`. */
export function describe(v: unknown): string {
  if (v === null || v === undefined) return "nothing";
  if (Array.isArray(v)) return "a list";
  if (v instanceof Uint8Array) return "binary data";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return JSON.stringify(v.length > 60 ? v.slice(0, 60) + "…" : v);
  return String(v);
}

const isPlainMapping = (v: unknown): boolean =>
  v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Uint8Array);

/** Turns one zod issue into problems (an issue with several unknown keys gives one per key). */
export function issueProblems(
  issue: z.core.$ZodIssue,
  schema: z.core.$ZodType,
  data: unknown,
): IssueProblem[] {
  const path = issue.path.map(String);
  if (issue.code === "unrecognized_keys") {
    const known = knownKeys(schema, path, data);
    return issue.keys.map((key) => {
      const near = closest(key, known);
      return {
        path: [...path, key],
        message: `unknown key "${key}"${near ? ` (did you mean "${near}"?)` : ""}`,
        at: "key",
      };
    });
  }
  if (issue.code === "invalid_key") {
    const inner = issue.issues[0];
    return [{
      path,
      message: inner ? messageOf(inner as z.core.$ZodIssue) : issue.message,
      at: "key",
    }];
  }
  const branch = issue.code === "invalid_union" ? matchedBranch(issue) : undefined;
  if (branch) {
    // A list-or-mapping value (`push`) of the right shape: the problems are that branch's own.
    return branch.flatMap((inner) =>
      issueProblems({ ...inner, path: [...issue.path, ...inner.path] }, schema, data)
    );
  }
  const plainUnion = issue.code === "invalid_union" && !(issue as { note?: string }).note &&
    issue.errors.length > 0;
  if (
    issue.code === "invalid_union" && !plainUnion && !isPlainMapping(issue.input) &&
    path.length > 0
  ) {
    // A discriminated union met a non-mapping: the problem is the value, not its `type` key.
    path.pop();
  }
  const at = (issue.code === "custom" && issue.params?.at === "key") ? "key" : "value";
  return [{ path, message: messageOf(issue), at }];
}

/**
 * Of a plain union's branches, the one whose problems lie inside the value (every other branch
 * refused the value's very type), or undefined when that is not exactly one.
 */
function matchedBranch(issue: z.core.$ZodIssue): z.core.$ZodIssue[] | undefined {
  if (issue.code !== "invalid_union" || (issue as { note?: string }).note) return undefined;
  const wrongType = (errs: readonly z.core.$ZodIssue[]) =>
    errs.length === 1 && errs[0]!.code === "invalid_type" && errs[0]!.path.length === 0;
  const inside = issue.errors.filter((errs) => !wrongType(errs as z.core.$ZodIssue[]));
  return inside.length === 1 ? inside[0] as z.core.$ZodIssue[] : undefined;
}

function messageOf(issue: z.core.$ZodIssue): string {
  // The schema's own messages already say what was expected; zod's defaults are rewritten here.
  const own = issue.message.startsWith("expected ") ? issue.message : undefined;
  if (issue.code === "invalid_type" && issue.input === undefined) {
    const expected = own?.replace(/, got [^,]*$/, "") ??
      `expected ${NOUNS[issue.expected] ?? issue.expected}`;
    return `required key missing: ${expected}`;
  }
  if (own) return own;
  const got = describe(issue.input);
  switch (issue.code) {
    case "invalid_type":
      return `expected ${NOUNS[issue.expected] ?? issue.expected}, got ${got}`;
    case "invalid_union": {
      if ((issue as { note?: string }).note === "No matching discriminator") {
        const key = (issue as { discriminator?: string }).discriminator ?? "type";
        const options = ((issue as { options?: unknown[] }).options ?? []).join(", ");
        const input = issue.input;
        if (!isPlainMapping(input)) {
          return `expected a mapping with ${key}: ${options.replaceAll(", ", "|")}, got ${got}`;
        }
        const value = (input as Record<string, unknown>)[key];
        return value === undefined
          ? `required key missing: expected one of ${options}`
          : `expected one of ${options}, got ${describe(value)}`;
      }
      const nouns = [
        ...new Set(
          issue.errors.map((e) => e[0]?.code === "invalid_type" ? NOUNS[e[0].expected] : undefined)
            .filter((n) => n !== undefined),
        ),
      ];
      return nouns.length === issue.errors.length && nouns.length > 0
        ? `expected ${nouns.join(" or ")}, got ${got}`
        : issue.message;
    }
    case "invalid_value":
      return `expected one of ${issue.values.map(String).join(", ")}, got ${got}`;
    case "too_small":
    case "too_big": {
      const bound = issue.code === "too_small" ? issue.minimum : issue.maximum;
      const op = issue.code === "too_small"
        ? (issue.inclusive === false ? ">" : ">=")
        : (issue.inclusive === false ? "<" : "<=");
      if (issue.origin === "array") {
        const n = Array.isArray(issue.input) ? issue.input.length : "?";
        const which = issue.code === "too_small" ? "at least" : "at most";
        return `expected ${which} ${bound} item${bound === 1 ? "" : "s"}, got ${n}`;
      }
      if (issue.origin === "string") {
        if (issue.code === "too_small" && Number(bound) === 1) return "expected a non-empty string";
        const n = typeof issue.input === "string" ? issue.input.length : "?";
        const which = issue.code === "too_small" ? "at least" : "at most";
        return `expected ${which} ${bound} characters, got ${n}`;
      }
      return `expected a number ${op} ${bound}, got ${got}`;
    }
    default:
      return issue.message;
  }
}
