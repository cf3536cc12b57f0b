import assert from "node:assert/strict";
import { owners, weightOf } from "../../src/schedule/rendezvous.ts";

const targets = Array.from(
  { length: 1000 },
  (_, i) => `127.0.${i >> 8}.${i & 255}:${7000 + i % 7}`,
);

function shares(members: number, replication: number): number[][] {
  const byMember: number[][] = Array.from({ length: members }, () => []);
  targets.forEach((t, i) => {
    for (const m of owners(t, members, replication)) byMember[m]!.push(i);
  });
  return byMember;
}

Deno.test("owners() with R=1 splits 1,000 targets into disjoint shares that cover them all", () => {
  for (const members of [1, 2, 3, 5, 10]) {
    const byMember = shares(members, 1);
    const all = byMember.flat();
    assert.equal(all.length, targets.length, `members ${members}: one owner each`);
    assert.equal(new Set(all).size, targets.length, `members ${members}: disjoint and covering`);
  }
});

Deno.test("owners() spreads 1,000 targets evenly: each share within ±25% of its fair part", () => {
  for (const [members, replication] of [[2, 1], [3, 1], [3, 2], [5, 1], [5, 3], [10, 1], [10, 2]]) {
    const fair = (targets.length * replication!) / members!;
    for (const [m, share] of shares(members!, replication!).entries()) {
      assert.ok(
        Math.abs(share.length - fair) <= fair * 0.25,
        `members ${members} R ${replication}: member ${m} has ${share.length}, fair ${fair}`,
      );
    }
  }
});

Deno.test("owners() with R>1 gives every target exactly R distinct owners", () => {
  for (const [members, replication] of [[2, 2], [3, 2], [3, 3], [5, 2], [7, 4]]) {
    for (const t of targets) {
      const o = owners(t, members!, replication!);
      assert.equal(o.length, replication);
      assert.equal(new Set(o).size, replication, `${t}: ${o}`);
      assert.ok(o.every((m) => Number.isInteger(m) && m >= 0 && m < members!));
    }
  }
});

Deno.test("owners() is stable: the same answer on every call, and pinned values", () => {
  const first = targets.map((t) => owners(t, 3, 2).join());
  assert.deepEqual(targets.map((t) => owners(t, 3, 2).join()), first);
  // Pinned: a change of the hash would re-shard every fleet on upgrade.
  assert.deepEqual(
    ["10.0.0.1", "db1.example:5432", "[2001:db8::1]:22"].map((t) => owners(t, 5, 2)),
    PINNED,
  );
});

Deno.test("owners() with R=1 of N is the first owner of R=2: replication adds, never moves", () => {
  for (const t of targets) assert.equal(owners(t, 4, 1)[0], owners(t, 4, 2)[0]);
});

Deno.test("owners() moves only the targets of the new member when members grows 3 → 4", () => {
  let moved = 0;
  for (const t of targets) {
    const before = owners(t, 3, 1)[0];
    const after = owners(t, 4, 1)[0];
    if (before !== after) {
      moved++;
      assert.equal(after, 3, `${t} moved between old members ${before} → ${after}`);
    }
  }
  assert.ok(moved > 150 && moved < 350, `moved ${moved} of 1000 (fair 250)`);
});

Deno.test("owners() hands only the leaving member's targets on when members shrinks 3 → 2", () => {
  for (const t of targets) {
    const before = owners(t, 3, 1)[0]!;
    if (before < 2) assert.equal(owners(t, 2, 1)[0], before, t);
  }
});

Deno.test("owners() rejects members < 1 and replication outside 1..members", () => {
  assert.throws(() => owners("a", 0, 1), {
    name: "RangeError",
    message: "Cannot hash over 0 members: expected a whole number ≥ 1",
  });
  assert.throws(() => owners("a", 3, 4), {
    name: "RangeError",
    message: "Cannot replicate 4 times over 3 members: expected 1..3",
  });
  assert.throws(() => owners("a", 3, 0), { name: "RangeError" });
  assert.throws(() => owners("a", 2.5, 1), { name: "RangeError" });
});

const PINNED: number[][] = [[2, 0], [0, 4], [4, 2]];

Deno.test("owners() equals a full sort of weightOf() over the members (reference), N up to 40", () => {
  for (const members of [1, 2, 3, 7, 40]) {
    for (const t of targets.slice(0, 200)) {
      const ranked = [...Array(members).keys()]
        .map((m) => ({ m, w: weightOf(t, m) }))
        .sort((a, b) => b.w - a.w || a.m - b.m)
        .map((x) => x.m);
      for (let r = 1; r <= members; r++) {
        assert.deepEqual(owners(t, members, r), ranked.slice(0, r), `${t} N=${members} R=${r}`);
      }
    }
  }
});
