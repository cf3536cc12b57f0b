/**
 * @module blackbox_exporter's record validation: the four regex lists applied to one section's
 * records (as presentation text). Pure; the reason names the first rule broken.
 */
import type { PeerRegex } from "../../base/peer_regex.ts";

/** One section's rules, compiled. */
export interface RrRules {
  failIfMatches: PeerRegex[];
  failIfAllMatch: PeerRegex[];
  failIfNotMatches: PeerRegex[];
  failIfNoneMatches: PeerRegex[];
}

/**
 * Undefined when `records` pass `rules`, else why not.
 *
 * @example
 * ```ts
 * import { validateRrs } from "./rr_validate.ts";
 * import { compilePeerRegex } from "../../base/peer_regex.ts";
 * const re = (s: string) => compilePeerRegex(s);
 * const rules = { failIfMatches: [], failIfAllMatch: [], failIfNotMatches: [re("IN\tA")], failIfNoneMatches: [] };
 * if (validateRrs(["x.\t60\tIN\tA\t1.2.3.4"], rules) !== undefined) throw new Error();
 * ```
 */
export function validateRrs(records: readonly string[], rules: RrRules): string | undefined {
  if (records.length === 0 && rules.failIfNotMatches.length > 0) {
    return "fail_if_not_matches_regexp is set but no records came back";
  }
  if (records.length === 0 && rules.failIfNoneMatches.length > 0) {
    return "fail_if_none_matches_regexp is set but no records came back";
  }
  for (const rr of records) {
    for (const re of rules.failIfMatches) {
      if (re.test(rr)) return `a record matched /${re.source}/: ${rr}`;
    }
    for (const re of rules.failIfNotMatches) {
      if (!re.test(rr)) return `a record did not match /${re.source}/: ${rr}`;
    }
  }
  // As blackbox_exporter's code does (whatever the name suggests): fails unless every record
  // matches every pattern of the list.
  for (const re of rules.failIfAllMatch) {
    const miss = records.find((rr) => !re.test(rr));
    if (miss !== undefined) return `not every record matched /${re.source}/: ${miss}`;
  }
  for (const re of rules.failIfNoneMatches) {
    if (!records.some((rr) => re.test(rr))) return `no record matched /${re.source}/`;
  }
  return undefined;
}
