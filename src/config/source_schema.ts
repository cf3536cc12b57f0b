/**
 * @module The config shape of a `targets:` entry: exactly one source kind (`static`, `file`,
 * `http`, `command`), its options, and the probe modules its targets get.
 */
import * as z from "zod/mini";
import { optional, pipe } from "zod/mini";
import {
  address,
  duration,
  httpUrl,
  jobName,
  labels,
  moduleName,
  size,
  text,
} from "./field_types.ts";

/** Most targets in one `static:` list. */
export const MAX_STATIC_TARGETS = 100_000;

const staticSource = z.strictObject({
  targets: z.array(address).check(z.maxLength(MAX_STATIC_TARGETS)),
  labels: optional(labels()),
});
const fileSource = z.strictObject({
  paths: z.array(text()).check(z.minLength(1)),
  refresh: optional(duration()),
});
const httpSource = z.strictObject({
  url: httpUrl(),
  refresh: optional(duration()),
  timeout: optional(duration()),
  headers: optional(z.record(z.string(), z.string())),
  bearer_token_file: optional(z.string()),
  max_bytes: optional(size()),
  max_targets: optional(z.number().check(z.int(), z.gt(0))),
});
const commandSource = z.strictObject({
  run: z.array(z.string()).check(z.minLength(1)),
  refresh: optional(duration()),
  timeout: optional(duration()),
  max_bytes: optional(size()),
  max_targets: optional(z.number().check(z.int(), z.gt(0))),
});

/** The source kinds of a `targets:` entry, in the order messages name them. */
export const SOURCE_KINDS = ["static", "file", "http", "command"] as const;
const SOURCE_KEYS = [...SOURCE_KINDS, "name", "labels", "probes", "job"];

/** Exactly one source kind per entry, checked before the entry's own keys. */
const oneSourceKind = z.unknown().check((ctx) => {
  const entry = ctx.value;
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) return;
  const keys = Object.keys(entry);
  const kinds = keys.filter((k) => (SOURCE_KINDS as readonly string[]).includes(k));
  const unknown = keys.filter((k) => !SOURCE_KEYS.includes(k));
  const expected = "expected one source kind per entry: static, file, http or command";
  if (kinds.length === 0 && unknown.length > 0) {
    ctx.issues.push({
      code: "custom",
      input: entry,
      path: [unknown[0]!],
      params: { at: "key" },
      message: `unknown source kind "${unknown[0]}", ${expected}`,
    });
  } else if (kinds.length === 0) {
    ctx.issues.push({ code: "custom", input: entry, message: `${expected}, got none` });
  } else if (kinds.length > 1) {
    ctx.issues.push({
      code: "custom",
      input: entry,
      path: [kinds[1]!],
      params: { at: "key" },
      message: `${expected}, got ${kinds.join(" and ")}`,
    });
  }
});

/** A target source entry: exactly one of `static`, `file`, `http`, `command`, plus `probes`. */
export const targetSource = pipe(
  oneSourceKind,
  z.strictObject({
    static: optional(staticSource),
    file: optional(fileSource),
    http: optional(httpSource),
    command: optional(commandSource),
    name: optional(moduleName("source name")),
    labels: optional(labels()),
    /** The `job` label of this source's series (wins over the module's `job`). */
    job: optional(jobName()),
    probes: z.array(text()).check(z.minLength(1)),
  }),
);
