/**
 * @module Regular expressions from the config that run on peer data (HTTP bodies and headers, DNS
 * records), with RE2 semantics and linear-time matching through `re2js`, as blackbox_exporter's Go
 * regexps: a hostile body cannot make a match take exponential time.
 */
import { RE2JS } from "re2js";

/** A compiled pattern. */
export interface PeerRegex {
  readonly source: string;
  /** True when the pattern matches anywhere in `text`. */
  test(text: string): boolean;
}

/** Compiles `pattern`; throws `SyntaxError` with RE2's reason. */
export function compilePeerRegex(pattern: string): PeerRegex {
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (e) {
    const why = (e instanceof Error ? e.message : String(e)).replace(/^error parsing regexp: /, "");
    throw new SyntaxError(why);
  }
  return { source: pattern, test: (text) => re.test(text) };
}

/** Why `pattern` is not an RE2 expression, or undefined when it is one. */
export function peerRegexProblem(pattern: string): string | undefined {
  try {
    compilePeerRegex(pattern);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
