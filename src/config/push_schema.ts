/**
 * @module The `push:` section: one remote-write destination (a mapping, today's shape) or a list
 * of them, each with its own URL, auth, batching, backoff and `extra_labels`, named by `name:` or by
 * its URL. {@linkcode pushDestinations} gives the list whichever shape was written.
 */
import * as z from "zod/mini";
import { _default as withDefault, optional, prefault } from "zod/mini";
import { duration, httpUrl, int, labels, size, text } from "./field_types.ts";
import { tenantProblem } from "./tenant_url.ts";

/** A destination name: a label value and (escaped) part of a file name, so kept short. */
const NAME = /^[A-Za-z0-9_.:\/-]{1,100}$/;

/** One remote-write destination. */
export const pushDestination = z.strictObject({
  /** The `destination` label of its metrics (default: {@linkcode defaultDestinationName}). */
  name: optional(
    text().check(z.regex(NAME, {
      error: (i) =>
        `expected 1-100 characters of A-Z a-z 0-9 _ . : / -, got ${JSON.stringify(i.input)}`,
    })),
  ),
  url: httpUrl(),
  basic_auth: optional(z.strictObject({ username: text(), password_file: text() })),
  bearer_token_file: optional(text()),
  tls_ca_file: optional(text()),
  tls_insecure_skip_verify: withDefault(z.boolean(), false),
  batch: prefault(
    z.strictObject({
      max_samples: withDefault(int(1), 10_000),
      max_bytes: withDefault(size(), 4 * 1024 ** 2),
    }),
    {},
  ),
  // Prometheus' remote-write defaults: back online within ~5 s of the receiver's return.
  max_backoff: withDefault(duration(), 5_000),
  min_backoff: withDefault(duration(), 30),
  timeout: withDefault(duration(), 30_000),
  // HELP/TYPE metadata resent this often (Prometheus: 1m); 0 sends none.
  metadata_interval: withDefault(duration({ allowZero: true }), 60_000),
  shutdown_timeout: withDefault(duration(), 5_000),
  extra_labels: withDefault(labels(), {}),
});

/** At most this many destinations (each has its own loop, position file and metrics). */
export const MAX_DESTINATIONS = 16;

/** `push:` as written: one mapping or a list of them. */
export const pushSection = z.union([
  z.array(pushDestination).check(z.minLength(1), z.maxLength(MAX_DESTINATIONS)),
  pushDestination,
]);

/** One validated destination as written. */
export type PushDestinationConfig = z.output<typeof pushDestination>;
/** One destination with its name settled. */
export type PushDestination = PushDestinationConfig & { name: string };

/**
 * The name of a destination without `name:`: its URL's host:port and path (no userinfo, query or
 * trailing slash), e.g. `vm-a:8428/api/v1/write`.
 *
 * @example
 * ```ts
 * import { defaultDestinationName } from "./push_schema.ts";
 * if (defaultDestinationName("http://u:p@vm:8428/api/v1/write?x=1") !== "vm:8428/api/v1/write") {
 *   throw new Error();
 * }
 * ```
 */
export function defaultDestinationName(url: string): string {
  let name = url; // not a URL (its own problem is reported): the text itself
  try {
    const u = new URL(url);
    const port = u.port || (u.protocol === "https:" ? "443" : "80");
    name = `${u.hostname}:${port}${u.pathname.replace(/\/+$/, "")}`;
  } catch { /* kept as written */ }
  return name.replace(/[^A-Za-z0-9_.:\/-]/g, "_").slice(0, 100) || "_";
}

/** The destinations of `push` (none without it), in order, names settled. */
export function pushDestinations(
  push: PushDestinationConfig | readonly PushDestinationConfig[] | undefined,
): PushDestination[] {
  if (!push) return [];
  const list = Array.isArray(push) ? push : [push as PushDestinationConfig];
  return list.map((d) => ({ ...d, name: d.name ?? defaultDestinationName(d.url) }));
}

/** A problem of the `push` section: where (below `push`) and what. */
export interface PushProblem {
  path: (string | number)[];
  message: string;
}

/** Duplicate names and tenant problems of `push`, with paths below `push` as written. */
export function pushProblems(
  push: PushDestinationConfig | readonly PushDestinationConfig[] | undefined,
): PushProblem[] {
  if (!push) return [];
  const problems: PushProblem[] = [];
  const isList = Array.isArray(push);
  const seen = new Map<string, number>();
  pushDestinations(push).forEach((d, i) => {
    const at = isList ? [i] : [];
    const tenant = tenantProblem(d.url, d.extra_labels);
    if (tenant) {
      problems.push({
        path: [...at, ...(tenant.at === "url" ? ["url"] : ["extra_labels", tenant.at])],
        message: tenant.message,
      });
    }
    const first = seen.get(d.name);
    if (first !== undefined) {
      const given = (push as readonly PushDestinationConfig[])[i]!.name !== undefined;
      problems.push({
        path: [...at, given ? "name" : "url"],
        message: `duplicate destination name "${d.name}" (also push[${first}]); ` +
          "give each a name: of its own",
      });
    }
    seen.set(d.name, i);
  });
  return problems;
}
