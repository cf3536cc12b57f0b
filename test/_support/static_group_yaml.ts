/** @module The YAML of one `static:` target group, for configs with long target lists. */

/**
 * One entry of a config's `targets:` list: the group `name` probing `targets` with `probes`, one
 * target a line (an empty list as `[]`), indented to sit under a top-level `targets:`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(
 *   staticGroupYaml("farm", ["127.0.0.1:9"]),
 *   "  - name: farm\n    probes: [tcp]\n    static:\n      targets:\n        - 127.0.0.1:9",
 * );
 * ```
 */
export function staticGroupYaml(
  name: string,
  targets: readonly string[],
  probes: readonly string[] = ["tcp"],
): string {
  return `  - name: ${name}
    probes: [${probes.join(", ")}]
    static:
      targets:${targets.length === 0 ? " []" : ""}
${targets.map((t) => `        - ${t}`).join("\n")}`;
}
