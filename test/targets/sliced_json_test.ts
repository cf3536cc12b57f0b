import assert from "node:assert/strict";
import { runSync } from "../../src/base/slices.ts";
import { LEAF_CHARS, parseJsonSteps } from "../../src/targets/sliced_json.ts";
import { bigSdBody } from "../_support/big_sd.ts";

const parse = (text: string) => runSync(parseJsonSteps(text));

Deno.test("parseJsonSteps() gives what JSON.parse gives for a big SD body", () => {
  const text = bigSdBody(20_000, 3_000);
  assert.ok(text.length > 4 * LEAF_CHARS);
  assert.deepEqual(parse(text), JSON.parse(text));
});

Deno.test("parseJsonSteps() walks big nested values, keys and odd strings like JSON.parse", () => {
  const long = "x".repeat(LEAF_CHARS);
  const doc = [
    { a: { b: [1, -2.5e3, true, null, 'q"u\\', { c: long }] } },
    [[long, [long]], "é\u0041"],
    long + '"\\',
  ];
  const rest = JSON.stringify(doc.slice(1), null, 1).slice(1, -1);
  const a = JSON.stringify(doc[0], null, 1).slice(1);
  const text = ` [{"__proto__": ["${long}"],${a},${rest}]\n`;
  const got = parse(text) as Record<string, unknown>[];
  assert.deepEqual(got, JSON.parse(text));
  assert.equal(Object.getPrototypeOf(got[0]), Object.prototype);
  assert.ok(Object.hasOwn(got[0]!, "__proto__"));
  const dup = `{"k": [${JSON.stringify(long)}], "k": 2}`;
  assert.deepEqual(parse(dup), { k: 2 });
});

Deno.test("parseJsonSteps() rejects what JSON.parse rejects, with its message", () => {
  const big = bigSdBody(5_000);
  const bad = [
    big.slice(0, -1),
    big + "]",
    big.replace("],", "]"),
    big.replace('"targets"', "targets"),
    big.replace("],", "],,"),
    big.replace(":", ""),
    `[${"1,".repeat(LEAF_CHARS)}]`,
    `[${"[".repeat(LEAF_CHARS)}`,
    `[${"1,".repeat(LEAF_CHARS)}`,
    `[${JSON.stringify("x".repeat(LEAF_CHARS))} "y"]`,
    `{"a": [1, 2] ${" ".repeat(LEAF_CHARS)}`,
  ];
  for (const text of bad) {
    let want = "";
    try {
      JSON.parse(text);
    } catch (e) {
      want = (e as Error).message;
    }
    assert.notEqual(want, "");
    assert.throws(() => parse(text), (e) => e instanceof SyntaxError && e.message === want);
  }
});

Deno.test("parseJsonSteps() parses deeply nested big values whole, like JSON.parse", () => {
  const text = `${"[".repeat(100)}${JSON.stringify("x".repeat(LEAF_CHARS))}${"]".repeat(100)}`;
  assert.deepEqual(parse(text), JSON.parse(text));
});
