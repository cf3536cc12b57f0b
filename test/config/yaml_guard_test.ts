import assert from "node:assert/strict";
import { parseDocument } from "yaml";
import {
  checkTree,
  checkTreeSteps,
  MAX_ALIAS_NODES,
  MAX_CONFIG_BYTES,
  MAX_DEPTH,
  MAX_ITEMS,
  precheck,
  PRECHECK_CHARS,
  precheckSteps,
} from "../../src/config/yaml_guard.ts";
import { STEP_ITEMS } from "../../src/base/slices.ts";
import { countSteps } from "../_support/count_steps.ts";

const tree = (text: string) => checkTree(parseDocument(text, { merge: true }).contents);

Deno.test("precheck() passes ordinary config text", () => {
  assert.equal(precheck("probes:\n  x: {type: tcp, labels: [[a]]}\n"), undefined);
  assert.equal(precheck(`a: ${"[".repeat(MAX_DEPTH)}${"]".repeat(MAX_DEPTH)}\n`), undefined);
  assert.equal(precheck("a: 1\n".repeat(MAX_ITEMS)), undefined);
});

Deno.test("precheck() rejects text over MAX_CONFIG_BYTES", () => {
  assert.deepEqual(precheck("#".repeat(MAX_CONFIG_BYTES + 1)), {
    offset: 0,
    message: `expected at most ${MAX_CONFIG_BYTES} bytes, got ${MAX_CONFIG_BYTES + 1}`,
  });
});

Deno.test("precheck() finds the first NUL byte", () => {
  assert.deepEqual(precheck("a: 1\nb: \0\0"), {
    offset: 8,
    message: "expected text, got a NUL byte (a binary file?)",
  });
});

Deno.test("precheck() rejects flow nesting deeper than MAX_DEPTH at the bracket that crosses it", () => {
  assert.deepEqual(precheck(`a: ${"{x: ".repeat(MAX_DEPTH + 1)}`), {
    offset: 3 + 4 * MAX_DEPTH,
    message: `expected at most ${MAX_DEPTH} levels of nesting, got more`,
  });
});

Deno.test("precheck() rejects block nesting deeper than MAX_DEPTH levels", () => {
  const deep = Array.from({ length: 200 }, (_, i) => `${"  ".repeat(i)}k${i}:`).join("\n");
  assert.equal(
    precheck(deep)?.message,
    `expected at most ${MAX_DEPTH} levels of nesting, got more`,
  );
  assert.equal(precheck(`${"- ".repeat(MAX_DEPTH * 4 + 1)}x\n`)?.offset, 2 * (MAX_DEPTH * 4 + 1));
});

Deno.test("precheck() counts lines and flow items against MAX_ITEMS", () => {
  assert.deepEqual(precheck(`a: [${"1,".repeat(MAX_ITEMS + 1)}1]`), {
    offset: 0,
    message: `expected at most ${MAX_ITEMS} lines and list items, got ${MAX_ITEMS + 1} ` +
      "(put long target lists in a file source)",
  });
});

Deno.test("checkTree() allows anchors reused within the bound", () => {
  assert.equal(tree("a: &a [1, 2]\nb: *a\nc: {<<: {x: 1}}\nd: &s x\n*s : 1\n"), undefined);
  const uses = Array.from({ length: 1000 }, (_, i) => `k${i}: *a`).join("\n");
  assert.equal(tree(`a: &a {x: 1, y: [1, 2, 3]}\n${uses}\n`), undefined);
});

Deno.test("checkTree() rejects an alias bomb at the alias that crosses MAX_ALIAS_NODES", () => {
  const levels = ["a: &a [x,x,x,x,x,x,x,x,x,x]"];
  for (let i = 1; i < 8; i++) {
    const prev = String.fromCharCode(96 + i);
    const name = String.fromCharCode(97 + i);
    levels.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(",")}]`);
  }
  const text = levels.join("\n") + "\n";
  const problem = tree(text);
  assert.equal(
    problem?.message,
    `expected aliases to expand to at most ${MAX_ALIAS_NODES} nodes, got more (an alias bomb?)`,
  );
  assert.equal(text.slice(problem!.offset, problem!.offset + 2), "*d");
});

Deno.test("checkTree() rejects unknown anchors, cycles and collection keys", () => {
  assert.deepEqual(tree("a: *nope\n"), {
    offset: 3,
    message: "expected an anchor &nope before the alias *nope, got none",
  });
  assert.deepEqual(tree("a: *b\nb: &b 1\n")?.offset, 3);
  assert.deepEqual(tree("a: &a [1, [*a]]\n"), {
    offset: 11,
    message: "alias *a refers to its own anchor (a cycle)",
  });
  assert.deepEqual(tree("? {a: 1}\n: x\n"), {
    offset: 2,
    message: "expected a plain key, got a mapping",
  });
  assert.deepEqual(tree("k: &k [1]\n*k : x\n"), {
    offset: 10,
    message: "expected a plain key, got a list",
  });
});

Deno.test("precheckSteps() yields every PRECHECK_CHARS characters and finds what precheck() finds", () => {
  const text = "- 10.0.0.1:9\n".repeat(100_000);
  const { value, yields } = countSteps(precheckSteps(text));
  assert.equal(value, undefined);
  assert.ok(yields >= Math.floor(text.length / PRECHECK_CHARS), `${yields} yields`);
  const late = `${text}a: 1\0`;
  assert.deepEqual(countSteps(precheckSteps(late)).value, precheck(late));
  assert.equal(precheck(late)?.offset, text.length + 4);
});

Deno.test("checkTreeSteps() yields every STEP_ITEMS nodes and finds what checkTree() finds", () => {
  const items = Array.from({ length: 10_000 }, (_, i) => `  - t${i}`).join("\n");
  const { value, yields } = countSteps(
    checkTreeSteps(parseDocument(`a:\n${items}\n`, { merge: true }).contents),
  );
  assert.equal(value, undefined);
  assert.ok(yields >= Math.floor(10_000 / STEP_ITEMS), `${yields} yields`);
  const late = `a:\n${items}\n  - *nowhere\n`;
  const problem = countSteps(checkTreeSteps(parseDocument(late, { merge: true }).contents)).value;
  assert.deepEqual(problem, tree(late));
  assert.equal(problem?.offset, late.indexOf("*nowhere"));
});
