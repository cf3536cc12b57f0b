/**
 * @module `${hostname}` and `${label:NAME}` placeholders in an HTTP target source's URL (pure), so
 * that one central discovery service can hand each agent its own list. Values are URL-encoded.
 */

const PLACEHOLDER = /\$\{([^}]*)\}/g;

/** What a URL template may refer to. */
export interface TemplateValues {
  hostname: string;
  labels: Readonly<Record<string, string>>;
}

/**
 * The first problem of `url` as a template over `labels` (the agent's labels), or undefined:
 * an unknown placeholder, a label the agent does not have, or a `${` never closed.
 *
 * @example
 * ```ts
 * import { templateProblem } from "./url_template.ts";
 * if (templateProblem("http://sd/${hostname}?s=${label:site}", { site: "fra1" })) throw new Error();
 * if (templateProblem("http://sd/${host}", {}) === undefined) throw new Error();
 * ```
 */
export function templateProblem(
  url: string,
  labels: Readonly<Record<string, string>>,
): string | undefined {
  for (const m of url.matchAll(PLACEHOLDER)) {
    const name = m[1]!;
    if (name === "hostname") continue;
    if (name.startsWith("label:")) {
      const label = name.slice(6);
      if (Object.hasOwn(labels, label)) continue;
      const known = Object.keys(labels);
      return `unknown label "${label}" in placeholder \${${name}}: expected one of agent.labels (${
        known.length ? known.join(", ") : "none set"
      })`;
    }
    return `unknown placeholder \${${name}}: expected \${hostname} or \${label:NAME}`;
  }
  const open = url.search(/\$\{(?![^}]*\})/);
  if (open >= 0) return `expected a closing } for the placeholder at character ${open + 1}`;
  return undefined;
}

/**
 * Replaces every placeholder by its URL-encoded value; call only on a URL with no
 * {@linkcode templateProblem} (an unknown one throws a `RangeError`).
 *
 * @example
 * ```ts
 * import { expandTemplate } from "./url_template.ts";
 * const url = expandTemplate("http://sd/t/${hostname}?site=${label:site}", {
 *   hostname: "edge 1",
 *   labels: { site: "fra/1" },
 * });
 * if (url !== "http://sd/t/edge%201?site=fra%2F1") throw new Error(url);
 * ```
 */
export function expandTemplate(url: string, values: TemplateValues): string {
  return url.replace(PLACEHOLDER, (_, name: string) => {
    if (name === "hostname") return encodeURIComponent(values.hostname);
    const label = name.startsWith("label:") ? name.slice(6) : undefined;
    if (label !== undefined && Object.hasOwn(values.labels, label)) {
      return encodeURIComponent(values.labels[label]!);
    }
    throw new RangeError(`Cannot expand \${${name}}: unknown placeholder`);
  });
}
