import assert from "node:assert/strict";
import { buildLabelSet, type LabelDropReason } from "../../src/results/label_set.ts";

function build(pairs: [string, string][]) {
  const dropped: [LabelDropReason, string][] = [];
  const set = buildLabelSet(pairs, (r, n) => dropped.push([r, n]));
  return { set, dropped };
}

Deno.test("buildLabelSet() sorts by name in byte order (upper case before _ before lower case)", () => {
  const { set, dropped } = build([["target", "a"], ["Zone", "eu"], ["_x", "1"], ["probe", "p"]]);
  assert.deepEqual(set.map(([n]) => n), ["Zone", "_x", "probe", "target"]);
  assert.deepEqual(dropped, []);
});

Deno.test("buildLabelSet() keeps the first of a name and drops later ones as duplicate", () => {
  const { set, dropped } = build([["site", "own"], ["env", "ci"], ["site", "extra"]]);
  assert.deepEqual(set, [["env", "ci"], ["site", "own"]]);
  assert.deepEqual(dropped, [["duplicate", "site"]]);
});

Deno.test("buildLabelSet() drops empty values, invalid names and __name__, each with its reason", () => {
  const { set, dropped } = build([
    ["empty", ""],
    ["empty", "later value loses too"],
    ["bad-name", "x"],
    ["1st", "x"],
    ["ünï", "x"],
    ["__name__", "spoof"],
    ["ok", "v"],
  ]);
  assert.deepEqual(set, [["ok", "v"]]);
  assert.deepEqual(dropped, [
    ["empty_value", "empty"],
    ["duplicate", "empty"],
    ["invalid_name", "bad-name"],
    ["invalid_name", "1st"],
    ["invalid_name", "ünï"],
    ["duplicate", "__name__"],
  ]);
});
