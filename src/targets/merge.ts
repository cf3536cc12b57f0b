/**
 * @module Merging the groups of every source into one list of targets: one target per address.
 *
 * Precedence, documented for operators: for each address, labels are taken from the sources in
 * config order and, within a source, its groups in order. For one occurrence the group's labels
 * override the source entry's `labels`; across occurrences the FIRST one to set a label name wins
 * (an earlier source in the config overrides a later one). Probe modules are the union, in order
 * of first appearance. Targets are ordered by first appearance, so the result is deterministic.
 */
import type { Target, TargetGroup, TargetSource } from "./types.ts";
import { runSync, STEP_ITEMS, type Steps } from "../base/slices.ts";
import { ShardedMap } from "../base/sharded_map.ts";

/** One source's current groups, as the manager holds them. */
export interface SourceGroups {
  source: TargetSource;
  groups: readonly TargetGroup[];
  /**
   * Distinct addresses in `groups`, when known (the manager counts them as a source loads). Equal
   * to the number of addresses, it says there is no repeat within the source: merged first, its
   * targets need no lookups, and no table at all when no other source has targets.
   */
  count?: number;
}

/**
 * Merges per-source groups (in config order) into deduplicated targets.
 *
 * @example
 * ```ts
 * import { mergeTargets } from "./merge.ts";
 * const a = { name: "a", kind: "static", probes: ["icmp"], labels: {}, load: async () => [] };
 * const b = { ...a, name: "b", probes: ["tcp"] };
 * const t = mergeTargets([
 *   { source: a, groups: [{ targets: ["h1"], labels: { dc: "x" } }] },
 *   { source: b, groups: [{ targets: ["h1"], labels: { dc: "y", os: "l" } }] },
 * ]);
 * if (t.length !== 1 || t[0]!.labels.dc !== "x" || t[0]!.probes.join() !== "icmp,tcp") {
 *   throw new Error();
 * }
 * ```
 */
export function mergeTargets(perSource: readonly SourceGroups[]): Target[] {
  return runSync(mergeSteps(perSource));
}

/**
 * {@linkcode mergeTargets} as steps (a `yield` every few hundred addresses). The targets of one
 * group share their labels object, and those of one source its probe list and source list, until
 * a second occurrence of the address changes them (then that target gets its own copies): 200,000
 * targets in 200 groups are 200 label objects, not 200,000 (~64 → ~30 MB of heap). Treat a
 * target's `labels`, `probes` and `sources` as read-only.
 */
export function* mergeSteps(perSource: readonly SourceGroups[]): Steps<Target[]> {
  let n = 0;
  // Sharded: one Map of 2,000,000 addresses grows by rehashing ~1,000,000 of them in one call.
  const byAddress = new ShardedMap<Target>();
  /** The targets in order of first appearance, collected as they come (no copy at the end). */
  const out: Target[] = [];
  /** Targets holding copies of their own (seen more than once). */
  const own = new Set<Target>();
  const hasTargets = (p: SourceGroups) => p.groups.some((g) => g.targets.length > 0);
  for (let s = 0; s < perSource.length; s++) {
    const { source, groups, count } = perSource[s]!;
    const probes = [...source.probes];
    const sources = [source.name];
    // No repeat in it and nothing merged before: every address is new (200,000: ~0.1 s of
    // lookups less, and the table only when a later source may repeat one).
    const fresh = byAddress.size === 0 && count !== undefined &&
      count === groups.reduce((n, g) => n + g.targets.length, 0);
    const table = !fresh || perSource.slice(s + 1).some(hasTargets);
    for (const group of groups) {
      const occurrence = { ...source.labels, ...group.labels };
      for (const address of group.targets) {
        let target = fresh ? undefined : byAddress.get(address);
        if (!target) {
          target = { address, labels: occurrence, probes, sources };
          if (table) byAddress.set(address, target);
          out.push(target);
        } else {
          if (!own.has(target)) {
            own.add(target);
            target.labels = { ...target.labels };
            target.probes = [...target.probes];
            target.sources = [...target.sources];
          }
          for (const [k, v] of Object.entries(occurrence)) {
            if (!(k in target.labels)) target.labels[k] = v;
          }
          for (const p of source.probes) if (!target.probes.includes(p)) target.probes.push(p);
          if (!target.sources.includes(source.name)) target.sources.push(source.name);
        }
        if (++n % STEP_ITEMS === 0) yield;
      }
    }
  }
  return out;
}

/** A stable identity of a target's content: equal keys mean nothing to re-schedule. */
export function targetKey(target: Target): string {
  const labels = Object.keys(target.labels).sort().map((k) => [k, target.labels[k]]);
  return JSON.stringify([target.address, labels, [...target.probes].sort()]);
}

/** True when `a` and `b` have the same content ({@linkcode targetKey}), without building keys. */
export function sameTarget(a: Target, b: Target): boolean {
  if (a.address !== b.address || a.probes.length !== b.probes.length) return false;
  for (const p of a.probes) if (!b.probes.includes(p)) return false;
  let n = 0;
  for (const k in a.labels) {
    if (a.labels[k] !== b.labels[k] || !Object.hasOwn(b.labels, k)) return false;
    n++;
  }
  for (const _ in b.labels) n--;
  return n === 0;
}

/** True when two lists hold the same targets in the same order, as steps. */
export function* sameTargetsSteps(a: readonly Target[], b: readonly Target[]): Steps<boolean> {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (!sameTarget(a[i]!, b[i]!)) return false;
    if (i % STEP_ITEMS === STEP_ITEMS - 1) yield;
  }
  return true;
}
