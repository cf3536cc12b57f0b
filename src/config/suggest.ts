/**
 * @module "Did you mean" for unknown config keys: the keys a zod schema allows at a path, and the
 * closest of them to a typo. Pure.
 */
import type * as z from "zod/mini";

type Def = {
  type: string;
  shape?: Record<string, z.core.$ZodType>;
  valueType?: z.core.$ZodType;
  element?: z.core.$ZodType;
  innerType?: z.core.$ZodType;
  in?: z.core.$ZodType;
  out?: z.core.$ZodType;
  options?: z.core.$ZodType[];
  discriminator?: string;
  values?: unknown[];
};

const defOf = (schema: unknown): Def | undefined =>
  (schema as { _zod?: { def?: Def } } | undefined)?._zod?.def;

/** The object schema that validates `data` at `path`, unwrapping optionals, pipes and unions. */
function objectAt(schema: unknown, path: readonly string[], data: unknown): Def | undefined {
  let def = defOf(schema);
  let value = data;
  let i = 0;
  for (let guard = 0; def && guard < 1000; guard++) {
    switch (def.type) {
      case "optional":
      case "default":
      case "prefault":
      case "nullable":
        def = defOf(def.innerType);
        continue;
      case "pipe":
        def = defOf(defOf(def.in)?.type === "unknown" ? def.out : def.in);
        continue;
      case "union": {
        const key = def.discriminator;
        if (key === undefined) {
          // A list-or-mapping union (`push`): the branch of the value's shape.
          const want = Array.isArray(value) ? "array" : "object";
          def = defOf(def.options?.find((o) => defOf(o)?.type === want));
          continue;
        }
        const tag = (value as Record<string, unknown> | null)?.[key];
        def = defOf(def.options?.find((o) => defOf(defOf(o)?.shape?.[key])?.values?.includes(tag)));
        continue;
      }
    }
    if (i === path.length) return def.type === "object" ? def : undefined;
    const part = path[i++]!;
    value = (value as Record<string, unknown> | null)?.[part];
    if (def.type === "object") def = defOf(def.shape?.[part]);
    else if (def.type === "record") def = defOf(def.valueType);
    else if (def.type === "array") def = defOf(def.element);
    else return undefined;
  }
  return undefined;
}

/** The keys the schema allows in the mapping at `path` of `data` (empty when unknown). */
export function knownKeys(
  schema: z.core.$ZodType,
  path: readonly string[],
  data: unknown,
): string[] {
  return Object.keys(objectAt(schema, path, data)?.shape ?? {});
}

/**
 * The candidate closest to `word` within an edit distance of 2 (or a third of its length), if any.
 *
 * @example
 * ```ts
 * import { closest } from "./suggest.ts";
 * if (closest("timout", ["timeout", "interval"]) !== "timeout") throw new Error();
 * if (closest("zzz", ["timeout"]) !== undefined) throw new Error();
 * ```
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.min(2, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

/** Levenshtein distance with adjacent transpositions, for short words. */
function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2 || a.length > 64 || b.length > 64) return 99;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}
