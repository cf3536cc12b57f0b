import assert from "node:assert/strict";
import { parseConfig } from "../../src/config/parse.ts";
import { PROBE, problems } from "../_support/config_problems.ts";

Deno.test("parseConfig() reads cluster with replication 1 by default", () => {
  const c = parseConfig(`${PROBE}cluster: {members: 3, member: 2}\n`, "c.yaml");
  assert.deepEqual(c.cluster, { members: 3, member: 2, replication: 1 });
  assert.equal(parseConfig(PROBE, "c.yaml").cluster, undefined);
});

Deno.test("parseConfig() rejects a member index past members, at its value", () => {
  assert.deepEqual(problems(`${PROBE}cluster:\n  members: 3\n  member: 3\n`), [
    "c.yaml:5:11: cluster.member: expected a member index 0-2 (members: 3), got 3",
  ]);
});

Deno.test("parseConfig() rejects a replication factor above members, at its value", () => {
  assert.deepEqual(problems(`${PROBE}cluster: {members: 2, member: 0, replication: 3}\n`), [
    "c.yaml:3:47: cluster.replication: expected a replication factor 1-2 (members: 2), got 3",
  ]);
});

Deno.test("parseConfig() rejects members 0, a negative member, replication 0 and a typo", () => {
  const out = problems(
    `${PROBE}cluster: {members: 0, member: -1, replication: 0, replicas: 2}\n`,
  );
  assert.equal(out.length, 4, out.join("\n"));
  assert.ok(out.some((l) => /^c\.yaml:3:20: cluster\.members: .*0/.test(l)), out.join("\n"));
  assert.ok(out.some((l) => /^c\.yaml:3:31: cluster\.member: .*-1/.test(l)), out.join("\n"));
  assert.ok(out.some((l) => /^c\.yaml:3:48: cluster\.replication: .*0/.test(l)), out.join("\n"));
  assert.ok(out.some((l) => /cluster\.replicas: unknown key "replicas"/.test(l)), out.join("\n"));
});

Deno.test("parseConfig() requires members and member", () => {
  const out = problems(`${PROBE}cluster: {replication: 1}\n`);
  assert.ok(out.some((l) => /^c\.yaml:3:1: cluster\.members: /.test(l)), out.join("\n"));
  assert.ok(out.some((l) => /^c\.yaml:3:1: cluster\.member: /.test(l)), out.join("\n"));
});
