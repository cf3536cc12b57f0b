import assert from "node:assert/strict";
import { mergeTargets, type SourceGroups } from "../../src/targets/merge.ts";
import type { TargetGroup, TargetSource } from "../../src/targets/types.ts";
import { ShardedMap } from "../../src/base/sharded_map.ts";

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

Deno.test("mergeTargets() shares one group's labels until a second occurrence copies them", () => {
  const a = source("a", ["icmp"], { team: "net" });
  const b = source("b", ["tcp"], { os: "linux" });
  const targets = mergeTargets([
    { source: a, groups: [{ targets: ["h1", "h2", "h3"], labels: { env: "prod" } }] },
    { source: b, groups: [{ targets: ["h2"], labels: {} }] },
  ]);
  const [h1, h2, h3] = targets;
  // Not seen twice: one labels object, probe list and source list for the group.
  assert.equal(h1!.labels, h3!.labels);
  assert.equal(h1!.probes, h3!.probes);
  assert.equal(h1!.sources, h3!.sources);
  // h2 got its own copies; its neighbours are untouched.
  assert.notEqual(h2!.labels, h1!.labels);
  assert.deepEqual(h2, {
    address: "h2",
    labels: { team: "net", env: "prod", os: "linux" },
    probes: ["icmp", "tcp"],
    sources: ["a", "b"],
  });
  for (const t of [h1, h3]) {
    assert.deepEqual(t!.labels, { team: "net", env: "prod" });
    assert.deepEqual(t!.probes, ["icmp"]);
    assert.deepEqual(t!.sources, ["a"]);
  }
  // The source's own probe list is never the target's (a merge must not change the source).
  assert.deepEqual(a.probes, ["icmp"]);
  assert.notEqual(h1!.probes, a.probes);
});

Deno.test("mergeTargets() copies once for an address repeated in one group", () => {
  const a = source("a", ["icmp"]);
  const targets = mergeTargets([
    { source: a, groups: [{ targets: ["h1", "h2", "h1"], labels: { x: "1" } }] },
  ]);
  assert.deepEqual(targets.map((t) => [t.address, t.sources]), [["h1", ["a"]], ["h2", ["a"]]]);
  assert.deepEqual(targets[1]!.labels, { x: "1" });
});

/** Calls of ShardedMap get and set while `fn` runs. */
function tableCalls(fn: () => void): number {
  const { get, set } = ShardedMap.prototype;
  let n = 0;
  ShardedMap.prototype.get = function (this: ShardedMap<unknown>, k: string) {
    n++;
    return get.call(this, k);
  } as typeof get;
  ShardedMap.prototype.set = function (this: ShardedMap<unknown>, k: string, v: unknown) {
    n++;
    return set.call(this, k, v);
  } as typeof set;
  try {
    fn();
  } finally {
    ShardedMap.prototype.get = get;
    ShardedMap.prototype.set = set;
  }
  return n;
}

Deno.test("mergeTargets() of a source counted free of repeats needs no address table", () => {
  const a = source("a", ["tcp"]);
  const groups: TargetGroup[] = [
    { targets: ["h1", "h2"], labels: { g: "1" } },
    { targets: ["h3"], labels: {} },
  ];
  let counted: ReturnType<typeof mergeTargets> = [];
  assert.equal(tableCalls(() => (counted = mergeTargets([{ source: a, groups, count: 3 }]))), 0);
  assert.deepEqual(counted, mergeTargets([{ source: a, groups }]));
  assert.deepEqual(counted.map((t) => t.address), ["h1", "h2", "h3"]);
  // A later source with targets: the first still looks nothing up, but fills the table.
  const b = source("b", ["icmp"]);
  const both: SourceGroups[] = [{ source: a, groups, count: 3 }, {
    source: b,
    groups: [{ targets: ["h2"], labels: {} }],
  }];
  assert.equal(tableCalls(() => (counted = mergeTargets(both))), 3 + 1);
  assert.deepEqual(counted.find((t) => t.address === "h2")?.probes, ["tcp", "icmp"]);
});

Deno.test("mergeTargets() of a source with repeats (count below its addresses) still merges them", () => {
  const a = source("a", ["tcp"]);
  const groups: TargetGroup[] = [
    { targets: ["h1", "h2"], labels: { g: "1" } },
    { targets: ["h1"], labels: {} },
  ];
  const t = mergeTargets([{ source: a, groups, count: 2 }]);
  assert.deepEqual(t.map((x) => x.address), ["h1", "h2"]);
});
