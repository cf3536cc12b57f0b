import assert from "node:assert/strict";
import { shardJobs } from "../../src/schedule/shard.ts";
import { buildJobs } from "../../src/schedule/job.ts";
import { parseConfig } from "../../src/config/parse.ts";
import type { Target } from "../../src/targets/types.ts";

const config = parseConfig("probes:\n  t: {type: tcp, port: 22}\n  i: {type: icmp}\n", "c.yaml");
const targets: Target[] = Array.from({ length: 300 }, (_, i) => ({
  address: `10.1.${i >> 8}.${i & 255}`,
  labels: {},
  probes: ["t", "i"],
  sources: ["s"],
}));
const { jobs } = buildJobs(targets, config);

Deno.test("shardJobs() without a cluster keeps every job and knows no owners", () => {
  const s = shardJobs(jobs, undefined);
  assert.equal(s.kept.length, 600);
  assert.equal(s.skipped, 0);
  assert.equal(s.ownersOf("10.1.0.1"), null);
});

Deno.test("shardJobs() gives all jobs of one target to the same members, disjoint for R=1", () => {
  const kept = [0, 1, 2].map((member) => shardJobs(jobs, { members: 3, member, replication: 1 }));
  assert.equal(kept.reduce((n, s) => n + s.kept.length, 0), 600);
  assert.equal(new Set(kept.flatMap((s) => s.kept.map((j) => j.key))).size, 600);
  for (const [member, s] of kept.entries()) {
    assert.equal(s.kept.length + s.skipped, 600);
    for (const j of s.kept) assert.deepEqual(s.ownersOf(j.job.target), [member]);
    const addrs = new Set(s.kept.map((j) => j.job.target));
    assert.equal(s.kept.length, addrs.size * 2, "both probes of a kept target");
  }
});

Deno.test("shardJobs() with R=2 of 3 keeps every job on exactly two members", () => {
  const count = new Map<string, number>();
  for (const member of [0, 1, 2]) {
    for (const j of shardJobs(jobs, { members: 3, member, replication: 2 }).kept) {
      count.set(j.key, (count.get(j.key) ?? 0) + 1);
    }
  }
  assert.equal(count.size, 600);
  assert.ok([...count.values()].every((n) => n === 2));
});
