import assert from "node:assert/strict";
import { compilePeerRegex, latin1Text } from "../../src/base/peer_regex.ts";

Deno.test("compilePeerRegex() matches catastrophic patterns in linear time", () => {
  // Backtracking engines take 2^n steps on these; RE2 one pass. Bounded: 64 KiB of input each.
  const cases: [string, string][] = [
    ["^(a+)+$", "a".repeat(65536) + "!"],
    ["(x+x+)+y", "x".repeat(65536)],
    ["^(\\w+\\s?)*$", "word ".repeat(13107) + "!"],
    ["(.*a){20}", "a".repeat(65536)],
  ];
  for (const [pattern, input] of cases) {
    const re = compilePeerRegex(pattern);
    const t0 = performance.now();
    re.test(input);
    re.test(new TextEncoder().encode(input));
    // A generous bound on a shared machine; the backtracking engine does not finish at all.
    const ms = performance.now() - t0;
    assert.ok(ms < 2000, `${pattern} took ${ms} ms`);
  }
  assert.equal(compilePeerRegex("^(a+)+$").test("a".repeat(40) + "!"), false);
  assert.equal(compilePeerRegex("^(a+)+$").test("a".repeat(40)), true);
});

Deno.test("compilePeerRegex() test() is an unanchored search on strings and UTF-8 bytes", () => {
  const re = compilePeerRegex("SSH-2\\.0-");
  assert.equal(re.test("banner: SSH-2.0-OpenSSH"), true);
  assert.equal(re.test(new TextEncoder().encode("xx SSH-2.0-x")), true);
  assert.equal(re.test("SSH-2x0-"), false);
  assert.equal(compilePeerRegex("é$").test(new TextEncoder().encode("café")), true);
  assert.equal(compilePeerRegex("(?i)^ssh").test("SSH-"), true);
});

Deno.test("compilePeerRegex() refuses what RE2 does not have, with the reason", () => {
  const why = (pattern: string) => {
    try {
      compilePeerRegex(pattern);
    } catch (e) {
      assert.ok(e instanceof SyntaxError);
      return e.message;
    }
    throw new assert.AssertionError({ message: `${pattern} compiled` });
  };
  assert.equal(why("(a)\\1"), "invalid escape sequence: `\\1`; RE2 has no backreferences");
  assert.equal(
    why("foo(?=bar)"),
    "invalid or unsupported Perl syntax: `(?=`; RE2 has no lookahead or lookbehind",
  );
  assert.equal(
    why("(?<!a)b"),
    "invalid named capture: `(?<!a)b`; RE2 has no lookahead or lookbehind",
  );
  assert.equal(why("a{1001}"), "invalid repeat count: `{1001}`; RE2 allows at most {1000}");
  assert.equal(why("["), "missing closing ]: `[`");
  assert.equal(why("a**"), "invalid nested repetition operator: `**`");
});

Deno.test("PeerRegex serializes as its source, so configs with one compare by text", () => {
  const re = compilePeerRegex("^SSH-");
  assert.equal(JSON.stringify({ expect: re }), '{"expect":"^SSH-"}');
  assert.equal(String(re), "^SSH-");
  assert.equal(re.source, "^SSH-");
});

Deno.test("latin1Text() maps every byte to the character of the same code", () => {
  const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
  const text = latin1Text(bytes);
  assert.equal(text.length, 256);
  for (let i = 0; i < 256; i++) assert.equal(text.charCodeAt(i), i);
  assert.equal(
    compilePeerRegex("^\\x00\\x80\\x9f\\xff$").test(latin1Text(Uint8Array.of(0, 0x80, 0x9f, 0xff))),
    true,
  );
  assert.equal(latin1Text(new Uint8Array(100_000)).length, 100_000);
});
