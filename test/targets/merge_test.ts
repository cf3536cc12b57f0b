import assert from "node:assert/strict";
import { mergeTargets } from "../../src/targets/merge.ts";
import type { TargetSource } from "../../src/targets/types.ts";

function source(name: string, probes: string[], labels: Record<string, string> = {}): TargetSource {
  return { name, kind: "static", probes, labels, load: () => Promise.resolve([]) };
}

Deno.test("mergeTargets() makes one target per address, probes unioned, first source wins", () => {
  const a = source("a", ["icmp"], { team: "net", env: "a" });
  const b = source("b", ["tcp", "icmp"], { team: "db" });
  const targets = mergeTargets([
    { source: a, groups: [{ targets: ["h1", "h2"], labels: { env: "prod" } }] },
    { source: b, groups: [{ targets: ["h2", "h3"], labels: { os: "linux", env: "dev" } }] },
  ]);
  assert.deepEqual(targets, [
    { address: "h1", labels: { team: "net", env: "prod" }, probes: ["icmp"], sources: ["a"] },
    {
      address: "h2",
      labels: { team: "net", env: "prod", os: "linux" },
      probes: ["icmp", "tcp"],
      sources: ["a", "b"],
    },
    {
      address: "h3",
      labels: { team: "db", os: "linux", env: "dev" },
      probes: ["tcp", "icmp"],
      sources: ["b"],
    },
  ]);
});

Deno.test("mergeTargets() keeps the first group's labels for an address repeated in one source", () => {
  const a = source("a", ["icmp"]);
  const targets = mergeTargets([{
    source: a,
    groups: [{ targets: ["h"], labels: { x: "1" } }, {
      targets: ["h"],
      labels: { x: "2", y: "2" },
    }],
  }]);
  assert.deepEqual(targets, [{
    address: "h",
    labels: { x: "1", y: "2" },
    probes: ["icmp"],
    sources: ["a"],
  }]);
});

Deno.test("mergeTargets() does not alias a source's label objects", () => {
  const a = source("a", ["icmp"], { s: "1" });
  const group = { targets: ["h", "g"], labels: { g: "1" } };
  const [h] = mergeTargets([{ source: a, groups: [group] }]);
  h!.labels.extra = "x";
  assert.deepEqual(group.labels, { g: "1" });
  assert.deepEqual(a.labels, { s: "1" });
});
