/**
 * @module blackbox_exporter's checks of an HTTP response (pure): status code, header regexes,
 * body regexes, HTTP version. Each returns undefined when the response passes, else why not.
 */
import type { PeerRegex } from "../../base/peer_regex.ts";
import { headerValues, type ResponseHead } from "./response_head.ts";

/** `valid_status_codes` (default: any 2xx). */
export function checkStatus(status: number, valid?: readonly number[]): string | undefined {
  if (valid?.length) {
    return valid.includes(status)
      ? undefined
      : `status ${status} is not one of ${valid.join(", ")}`;
  }
  return status >= 200 && status < 300 ? undefined : `status ${status}, expected 2xx`;
}

/** One header rule, compiled. */
export interface HeaderRule {
  header: string;
  regexp: PeerRegex;
  allowMissing: boolean;
}

/**
 * `fail_if_header_matches` (no value may match) and `fail_if_header_not_matches` (some value must
 * match); a missing header fails unless `allow_missing`.
 */
export function checkHeaders(
  head: ResponseHead,
  failIfMatches: readonly HeaderRule[],
  failIfNotMatches: readonly HeaderRule[],
): string | undefined {
  if (failIfMatches.length === 0 && failIfNotMatches.length === 0) return undefined;
  return firstHeaderFailure(head, failIfMatches, true) ??
    firstHeaderFailure(head, failIfNotMatches, false);
}

/** Why the first of `rules` fails: a value matches when `failOnMatch`, else none does. */
function firstHeaderFailure(
  head: ResponseHead,
  rules: readonly HeaderRule[],
  failOnMatch: boolean,
): string | undefined {
  for (const r of rules) {
    const values = headerValues(head, r.header.toLowerCase());
    if (values.length === 0) {
      if (r.allowMissing) continue;
      return `header ${r.header} is missing`;
    }
    if (values.some((v) => r.regexp.test(v)) === failOnMatch) {
      return `header ${r.header} ${failOnMatch ? "matched" : "did not match"} /${r.regexp.source}/`;
    }
  }
  return undefined;
}

/** `fail_if_body_matches_regexp` and `fail_if_body_not_matches_regexp`. */
export function checkBody(
  body: string,
  failIfMatches: readonly PeerRegex[],
  failIfNotMatches: readonly PeerRegex[],
): string | undefined {
  if (failIfMatches.length === 0 && failIfNotMatches.length === 0) return undefined;
  for (const re of failIfMatches) if (re.test(body)) return `body matched /${re.source}/`;
  for (const re of failIfNotMatches) if (!re.test(body)) return `body did not match /${re.source}/`;
  return undefined;
}
