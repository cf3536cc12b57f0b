import assert from "node:assert/strict";
import { type CST, type Document, parseDocument, Parser } from "yaml";
import { runSync } from "../../src/base/slices.ts";
import {
  findLongSeqs,
  LONG_SEQ,
  longSeqSteps,
  yamlDocumentSteps,
} from "../../src/config/yaml_document.ts";
import { STEP_ITEMS } from "../../src/base/slices.ts";
import { countSteps } from "../_support/count_steps.ts";

const OPTIONS = { uniqueKeys: true, strict: true, merge: true };

/** Every node's range and value, in document order, plus errors and warnings. */
function shape(doc: Document.Parsed): unknown {
  const nodes: unknown[] = [];
  const visit = (n: unknown): void => {
    if (n === null || typeof n !== "object") return;
    const o = n as { items?: unknown[]; key?: unknown; value?: unknown; range?: unknown };
    nodes.push([o.range, Array.isArray(o.items) ? o.items.length : o.value]);
    if (Array.isArray(o.items)) o.items.forEach(visit);
    else if ("key" in o) {
      visit(o.key);
      visit(o.value);
    }
  };
  visit(doc.contents);
  return {
    js: doc.toJS(),
    nodes,
    errors: doc.errors.map((e) => [e.code, e.pos, e.message]),
    warnings: doc.warnings.map((e) => [e.code, e.pos]),
  };
}

const list = (n: number, indent: string, item = (i: number) => `10.0.${i >> 8}.${i & 255}`) =>
  Array.from({ length: n }, (_, i) => `${indent}- ${item(i)}`).join("\n");

Deno.test("yamlDocumentSteps() gives parseDocument's document for configs with long lists", () => {
  const n = 3 * LONG_SEQ + 7;
  const texts = [
    `targets:\n  - name: big\n    static:\n      targets:\n${
      list(n, "        ")
    }\nwal: {dir: /x}\n`,
    `a:\n${list(n, "  ", (i) => `'q${i}'`)}\nb:\n${list(n, "  ", (i) => `"d\\t${i}"`)}\n`,
    // A comment in the list: composed in one piece, still the same.
    `a:\n${list(n, "  ")}\n  # the end\n  - last # trailing\n`,
    `- - ${"x\n  - ".repeat(n)}y\n`,
    // Errors inside and after the long list.
    `a:\n${list(n, "  ")}\n   - bad indent\nb: [1\n`,
    `a:\n${list(n, "  ")}\na: dup\n---\nsecond: doc\n`,
    `a:\n${list(n, "  ")}\n\t- tab\n`,
  ];
  for (const text of texts) {
    const want = shape(parseDocument(text, { ...OPTIONS, prettyErrors: false }) as Document.Parsed);
    const got = shape(runSync(yamlDocumentSteps(text, OPTIONS)));
    assert.deepEqual(got, want, text.slice(0, 60));
  }
});

Deno.test("findLongSeqs() picks long lists of plain items, not short ones or ones with comments", () => {
  const found = (text: string) => {
    const out: CST.BlockSequence[] = [];
    for (const t of new Parser().parse(text)) {
      if (t.type === "document" && t.value) findLongSeqs(t.value, out);
    }
    return out.map((s) => s.items.length);
  };
  const n = LONG_SEQ + 1;
  assert.deepEqual(found(`a:\n${list(n, "  ")}\nb:\n${list(n - 1, "  ")}\n`), [n]);
  assert.deepEqual(found(`a:\n  - x:\n${list(n, "    ")}\n`), [n]);
  assert.deepEqual(found(`a:\n${list(n, "  ")} # c\n`), []);
  assert.deepEqual(found(`a:\n${list(n, "  ")}\n  - &anchor x\n`), []);
});

Deno.test("longSeqSteps() yields every STEP_ITEMS items while it checks a long list", () => {
  const n = 100 * STEP_ITEMS;
  for (const text of [`a:\n${list(n, "  ")}\n`, `a:\n${list(n, "  ")}\n  - &x y\n`]) {
    const out: CST.BlockSequence[] = [];
    let yields = 0;
    for (const t of new Parser().parse(text)) {
      if (t.type === "document" && t.value) yields += countSteps(longSeqSteps(t.value, out)).yields;
    }
    assert.ok(yields >= 100, `${yields} yields`);
  }
});
