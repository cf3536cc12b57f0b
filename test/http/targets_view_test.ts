import assert from "node:assert/strict";
import { targetsView } from "../../src/http/targets_view.ts";
import { createLastResults } from "../../src/results/last_results.ts";
import { shardJobs } from "../../src/schedule/shard.ts";
import type { Target } from "../../src/targets/types.ts";

const targets: Target[] = ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"].map((address) => ({
  address,
  labels: {},
  probes: ["icmp"],
  sources: ["s"],
}));

Deno.test("targetsView() without a cluster has no cluster field", () => {
  const view = targetsView(targets, createLastResults(), shardJobs([], undefined));
  assert.ok(view.every((t) => !("cluster" in t)));
  assert.ok(targetsView(targets, createLastResults()).every((t) => !("cluster" in t)));
});

Deno.test("targetsView() marks each target with its owners and whether it is ours", () => {
  const cluster = { members: 3, member: 1, replication: 2 };
  const shard = shardJobs([], cluster);
  const view = targetsView(targets, createLastResults(), { ...shard, member: 1 });
  for (const t of view) {
    const owners = shard.ownersOf(t.address)!;
    assert.equal(owners.length, 2);
    assert.deepEqual(t.cluster, { owners, ours: owners.includes(1) });
  }
  assert.ok(view.some((t) => t.cluster!.ours) && view.some((t) => !t.cluster!.ours));
});
