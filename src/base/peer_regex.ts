/**
 * @module Regular expressions from the config that run on bytes a peer sent (`expect` of TCP and
 * UDP probes, HTTP bodies and headers, DNS records, and of every probe added later). They use RE2 semantics through `re2js`, as
 * blackbox_exporter's Go regexp: matching takes time linear in the input, so no pattern and no
 * peer can stall the event loop (JavaScript's backtracking `RegExp` takes 2^40 steps for
 * `^(a+)+$` on 40 `a`s and a `!`). Compile once, at config load, with {@linkcode compilePeerRegex}
 * (the config field type does it), then call `test()` per reply.
 */
import { RE2JS } from "re2js";

/** A compiled RE2 pattern. JSON and `String()` give its source, so configs still compare. */
export interface PeerRegex {
  /** The pattern as written in the config. */
  readonly source: string;
  /**
   * Whether the pattern matches anywhere in `input` (unanchored, like `RegExp.test`). A string is
   * matched as is; bytes are read as UTF-8 (invalid sequences as U+FFFD), as Go matches `[]byte`.
   */
  test(input: string | Uint8Array): boolean;
  toJSON(): string;
  toString(): string;
}

/** Hints for the RE2 syntax errors a JavaScript or PCRE habit gives. */
function hint(source: string, why: string): string {
  if (/invalid escape sequence: `\\[1-9]/.test(why)) {
    return "; RE2 has no backreferences";
  }
  if (/\(\?<?[=!]/.test(source) && /Perl syntax|named capture/.test(why)) {
    return "; RE2 has no lookahead or lookbehind";
  }
  if (/invalid repeat count/.test(why)) return "; RE2 allows at most {1000}";
  return "";
}

/**
 * Compiles `source` with RE2 syntax. Throws a `SyntaxError` whose message is the reason alone
 * (e.g. ``invalid escape sequence: `\1`; RE2 has no backreferences``), for config errors.
 *
 * @example
 * ```ts
 * import { compilePeerRegex } from "./peer_regex.ts";
 * const re = compilePeerRegex("^(a+)+$");
 * if (re.test("a".repeat(40) + "!")) throw new Error(); // at once, no backtracking
 * if (!compilePeerRegex("^SSH-2\\.0-").test(new TextEncoder().encode("SSH-2.0-x"))) {
 *   throw new Error();
 * }
 * ```
 */
export function compilePeerRegex(source: string): PeerRegex {
  let re: RE2JS;
  try {
    re = RE2JS.compile(source);
  } catch (e) {
    const why = (e instanceof Error ? e.message : String(e)).replace(/^error parsing regexp: /, "");
    throw new SyntaxError(`${why}${hint(source, why)}`);
  }
  return {
    source,
    test: (input) => re.test(input),
    toJSON: () => source,
    toString: () => source,
  };
}

/**
 * Bytes as Latin-1 text: one character per byte, so `\xNN` matches byte NN (UDP replies).
 * (The WHATWG "latin1" decoder is windows-1252 and maps 0x80–0x9F elsewhere.)
 */
export function latin1Text(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return text;
}

/** Why `pattern` is not an RE2 expression (with the hint), or undefined when it is one. */
export function peerRegexProblem(pattern: string): string | undefined {
  try {
    compilePeerRegex(pattern);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
