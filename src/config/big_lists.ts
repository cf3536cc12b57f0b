/**
 * @module Big `static:` target lists checked in steps, beside the one schema call: zod checks
 * 100,000 addresses in one blocking call (~1 s on a loaded 2-core machine), so lists longer than
 * {@linkcode BIG_LIST} are checked here address by address with a `yield` every few hundred,
 * set aside (empty) for the schema, and put back into the validated config. A list with any bad
 * address is left in place: the schema then reports it exactly as before.
 */
import { address } from "./field_types.ts";
import type { Config } from "./schema.ts";
import { MAX_STATIC_TARGETS } from "./source_schema.ts";
import { STEP_ITEMS, type Steps } from "../base/slices.ts";

/** Static lists longer than this are checked in steps. */
export const BIG_LIST = 1_000;

/** The data with big valid lists emptied, and how to put them back into the parsed config. */
export interface SetAside {
  data: unknown;
  restore(config: Config): Config;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

function* allValid(list: unknown[]): Steps<boolean> {
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (typeof v !== "string" || !address.safeParse(v).success) return false;
    if (i % STEP_ITEMS === STEP_ITEMS - 1) yield;
  }
  return true;
}

/** Checks the big static lists of `data` (config as plain data) and sets the valid ones aside. */
export function* setAsideBigLists(data: unknown): Steps<SetAside> {
  const none: SetAside = { data, restore: (c) => c };
  if (!isObject(data) || !Array.isArray(data.targets)) return none;
  const lists = new Map<number, string[]>();
  const entries = [...data.targets];
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (!isObject(entry) || !isObject(entry.static)) continue;
    const list = entry.static.targets;
    if (!Array.isArray(list) || list.length <= BIG_LIST || list.length > MAX_STATIC_TARGETS) {
      continue;
    }
    if (!(yield* allValid(list))) continue;
    lists.set(i, list as string[]);
    entries[i] = { ...entry, static: { ...entry.static, targets: [] } };
  }
  if (lists.size === 0) return none;
  return {
    data: { ...data, targets: entries },
    restore(config) {
      for (const [i, list] of lists) {
        const s = config.targets[i]?.static;
        if (s) s.targets = list;
      }
      return config;
    },
  };
}
