import assert from "node:assert/strict";
import { parseTargetGroups, validateTargetGroups } from "../../src/targets/sd_format.ts";
import { SourceError } from "../../src/targets/source_error.ts";

function rejects(fn: () => unknown, reason: string, message: string) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof SourceError);
    assert.equal(e.reason, reason);
    assert.equal(e.message, message);
    return true;
  });
}

Deno.test("parseTargetGroups() reads file_sd JSON", () => {
  const groups = parseTargetGroups(
    '[{"targets": ["10.0.0.1", "[::1]:22"], "labels": {"dc": "fra", "__meta_x": "y"}}, {"targets": []}]',
  );
  assert.deepEqual(groups, [
    { targets: ["10.0.0.1", "[::1]:22"], labels: { dc: "fra" } },
    { targets: [], labels: {} },
  ]);
});

Deno.test("parseTargetGroups() reads file_sd YAML, and an empty document as no groups", () => {
  const yaml = "- targets: [a.example, 'b.example:80']\n  labels: {role: web}\n";
  assert.deepEqual(parseTargetGroups(yaml, { format: "yaml" }), [
    { targets: ["a.example", "b.example:80"], labels: { role: "web" } },
  ]);
  assert.deepEqual(parseTargetGroups("", { format: "yaml" }), []);
  assert.deepEqual(parseTargetGroups(new TextEncoder().encode("[]")), []);
});

Deno.test("parseTargetGroups() rejects a body over the size limit as a whole", () => {
  rejects(
    () => parseTargetGroups(new Uint8Array(101), { maxBytes: 100 }),
    "too_large",
    "body of 101 bytes exceeds the limit of 100",
  );
});

Deno.test("parseTargetGroups() rejects more targets than the limit as a whole", () => {
  const body = JSON.stringify([{ targets: ["a", "b"] }, { targets: ["c", "d"] }]);
  rejects(
    () => parseTargetGroups(body, { maxTargets: 3 }),
    "too_many_targets",
    "more than 3 targets",
  );
  assert.equal(parseTargetGroups(body, { maxTargets: 4 }).length, 2);
});

Deno.test("parseTargetGroups() rejects garbage, with the parser's reason", () => {
  rejects(
    () => parseTargetGroups("[{", { format: "json" }),
    "format",
    "invalid JSON: Expected property name or '}' in JSON at position 2 (line 1 column 3)",
  );
  assert.throws(
    () => parseTargetGroups("a: [", { format: "yaml" }),
    /^SourceError: invalid YAML: /,
  );
  rejects(
    () => parseTargetGroups(new Uint8Array([0x5b, 0xff, 0x5d])),
    "format",
    "body is not valid UTF-8",
  );
});

Deno.test("validateTargetGroups() names the offending group, key and value", () => {
  rejects(
    () => validateTargetGroups({ targets: [] }),
    "format",
    "document: expected an array of {targets, labels} groups, got an object",
  );
  rejects(
    () => validateTargetGroups([1]),
    "format",
    "group 0: expected an object {targets, labels}, got number 1",
  );
  rejects(
    () => validateTargetGroups([{ targets: "a" }]),
    "format",
    'group 0.targets: expected an array of addresses, got "a"',
  );
  rejects(
    () => validateTargetGroups([{ targets: ["a"] }, { targets: ["ok", 5] }]),
    "format",
    "group 1.targets[1]: expected an address string, got number 5",
  );
  rejects(
    () => validateTargetGroups([{ targets: ["h:99999"] }]),
    "format",
    'group 0.targets[0]: invalid address "h:99999": port 99999 is out of range 1-65535',
  );
  rejects(
    () => validateTargetGroups([{ targets: [], labels: { "bad-name": "x" } }]),
    "format",
    'group 0.labels: invalid label name "bad-name"',
  );
  rejects(
    () => validateTargetGroups([{ targets: [], labels: { port: 22 } }]),
    "format",
    "group 0.labels.port: expected a string value, got number 22",
  );
  rejects(
    () => validateTargetGroups([{ targets: [], lables: {} }]),
    "format",
    'group 0: unknown key "lables"',
  );
});

Deno.test("validateTargetGroups() drops labels our own series use and reports them, keeping the group", () => {
  const groups = validateTargetGroups([{
    targets: ["10.0.0.1:22"],
    labels: {
      site: "fra1",
      le: "1",
      phase: "x",
      job: "j",
      instance: "i",
      target: "t",
      __meta_x: "m",
    },
  }]);
  assert.deepEqual(groups, [{
    targets: ["10.0.0.1:22"],
    labels: { site: "fra1" },
    dropped: ["le", "phase", "job", "instance", "target"],
  }]);
});
