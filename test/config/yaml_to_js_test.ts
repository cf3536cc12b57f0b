import assert from "node:assert/strict";
import { parseDocument } from "yaml";
import { runSync } from "../../src/base/slices.ts";
import { LONG_LIST, TO_JS_CHUNK, toJsSteps } from "../../src/config/yaml_to_js.ts";
import { countSteps } from "../_support/count_steps.ts";

const OPTIONS = { uniqueKeys: true, strict: true, merge: true };
const list = (n: number, indent: string, item = (i: number) => `10.0.${i >> 8}.${i & 255}`) =>
  Array.from({ length: n }, (_, i) => `${indent}- ${item(i)}`).join("\n");
const n = 2 * LONG_LIST + 3;

Deno.test("toJsSteps() gives what toJS gives, long lists and aliases of them included", () => {
  const texts = [
    `targets:\n  - name: big\n    static:\n      targets:\n${
      list(n, "        ")
    }\nwal: {dir: /x}\n`,
    // Quoted, numbers, booleans, nulls and empty items; two long lists; one nested in another.
    `a:\n${list(n, "  ", (i) => [`'q${i}'`, `"d\\t${i}"`, `${i}`, "true", "~", ""][i % 6]!)}\n` +
    `b:\n${list(n, "  ")}\n`,
    `- - 1\n${list(n, "  ")}\n- x\n`,
    // An anchored long list and its alias: one array, filled once.
    `a: &l\n${list(n, "  ")}\nb: *l\nc: {<<: {m: *l}}\n`,
    // An anchored item, a mapping item: converted in one piece, still the same.
    `a:\n${list(n, "  ")}\n  - &x y\nb: *x\n`,
    `a:\n${list(n, "  ")}\n  - {k: v}\n`,
    `short:\n${list(LONG_LIST, "  ")}\n`,
  ];
  for (const text of texts) {
    const doc = parseDocument(text, OPTIONS);
    assert.deepEqual(doc.errors, []);
    const want = doc.toJS({ maxAliasCount: -1 });
    const got = runSync(toJsSteps(doc, { maxAliasCount: -1 })) as Record<string, unknown>;
    assert.deepEqual(got, want, text.slice(0, 60));
    // The document is left as it was.
    assert.deepEqual(doc.toJS({ maxAliasCount: -1 }), want);
    if (text.startsWith("a: &l")) assert.equal(got.a, got.b);
  }
});

Deno.test("toJsSteps() yields every TO_JS_CHUNK items of a long list", () => {
  const doc = parseDocument(`a:\n${list(50 * TO_JS_CHUNK, "  ")}\n`, OPTIONS);
  const { value, yields } = countSteps(toJsSteps(doc));
  assert.equal((value as { a: string[] }).a.length, 50 * TO_JS_CHUNK);
  assert.ok(yields >= 50, `${yields} yields`);
});

Deno.test("toJsSteps() throws what toJS throws and leaves the document whole", () => {
  const doc = parseDocument(`a:\n${list(n, "  ")}\nb: {<<: 5}\n`, OPTIONS);
  const want = (() => {
    try {
      doc.toJS();
    } catch (e) {
      return (e as Error).message;
    }
  })();
  assert.ok(want);
  assert.throws(() => runSync(toJsSteps(doc)), (e) => (e as Error).message === want);
  assert.equal((doc.get("a") as { items: unknown[] }).items.length, n);
});
