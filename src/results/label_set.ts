/**
 * @module The label set of one pushed series as remote write 1.0 requires it: sorted by name, no
 * empty values, no repeated names, only valid names. What is left out is reported with a reason.
 */

/** Why a label was left out of a series. */
export type LabelDropReason = "invalid_name" | "empty_value" | "duplicate";

/** Every {@linkcode LabelDropReason}, for metric pre-registration. */
export const LABEL_DROP_REASONS: readonly LabelDropReason[] = [
  "invalid_name",
  "empty_value",
  "duplicate",
];

/** A valid Prometheus label name (remote write 1.0: `[a-zA-Z_][a-zA-Z0-9_]*`). */
export const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** A valid metric name (`__name__` value). */
export const METRIC_NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * Builds a series' labels from `pairs` given in precedence order: the first pair of a name wins and
 * later ones are dropped (`duplicate`), as are empty values (`empty_value`: remote write treats an
 * empty label as absent, and the spec says it must not be sent) and invalid names (`invalid_name`).
 * `__name__` is reserved for the metric name, given apart: a pair named so is a `duplicate`. The
 * result is sorted by name (code-unit order, which is byte order for the ASCII names allowed).
 *
 * @example
 * ```ts
 * import { buildLabelSet } from "./label_set.ts";
 * const dropped: string[] = [];
 * const set = buildLabelSet([["target", "a:1"], ["site", ""], ["target", "b"], ["0x", "y"]], (r) =>
 *   dropped.push(r));
 * if (JSON.stringify(set) !== '[["target","a:1"]]') throw new Error(JSON.stringify(set));
 * if (dropped.join() !== "empty_value,duplicate,invalid_name") throw new Error(dropped.join());
 * ```
 */
export function buildLabelSet(
  pairs: Iterable<readonly [string, string]>,
  onDrop?: (reason: LabelDropReason, name: string) => void,
): [string, string][] {
  const seen = new Set<string>(["__name__"]);
  const out: [string, string][] = [];
  for (const [name, value] of pairs) {
    if (seen.has(name)) {
      onDrop?.("duplicate", name);
      continue;
    }
    seen.add(name);
    if (!LABEL_NAME_RE.test(name)) onDrop?.("invalid_name", name);
    else if (value === "") onDrop?.("empty_value", name);
    else out.push([name, value]);
  }
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
