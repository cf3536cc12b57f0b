/**
 * Files of segment shape planted inside the range of a real segment (empty, garbage, a copy of a
 * real segment's head, a valid segment from another WAL): recovery keeps every intact record, sets
 * the planted file aside in `quarantine/`, and `wal inspect` (read-only) reports what it would do.
 */
import assert from "node:assert/strict";
import { openWal } from "../../src/wal/wal.ts";
import { metricValue } from "../_support/wal_metrics.ts";
import {
  assertAppendsWork,
  buildWal,
  damageOptions,
  inspectThenOpen,
  type Layout,
  N,
  range,
  segPath,
  values,
} from "../_support/wal_damage.ts";

const name = (offset: number) => String(offset).padStart(20, "0");

/** Plants `bytes` as a segment at `offset`, then checks that nothing is lost and it is set aside. */
async function assertSetAside(l: Layout, offset: number, bytes: Uint8Array): Promise<void> {
  assert.ok(!l.segments.includes(offset));
  Deno.writeFileSync(segPath(l.dir, offset), bytes);
  const { report, registry, wal } = await inspectThenOpen(l.dir);
  await using _ = wal;
  assert.equal(report.records, N);
  assert.equal(report.samples, N);
  assert.equal(report.pending_samples, N);
  assert.equal(report.segments, l.segments.length);
  assert.equal(report.corrupt_records, 0);
  assert.equal(report.missing_segments, 0);
  assert.deepEqual(report.quarantined_files, [name(offset)]);
  assert.deepEqual(wal.report().quarantined_files, [name(offset)]);
  assert.equal(
    await metricValue(registry, "vmprober_wal_recovery_events_total", {
      kind: "quarantined_file",
    }),
    1,
  );
  assert.deepEqual(Deno.readFileSync(`${l.dir}/quarantine/${name(offset)}`), bytes);
  assert.throws(() => Deno.statSync(segPath(l.dir, offset)), Deno.errors.NotFound);
  assert.deepEqual(await values(wal), range(0, N));
  await assertAppendsWork(wal, range(0, N));
  // Pushing everything deletes the real segments and no record was skipped on the way.
  await wal.commit(wal.stats().end_offset);
  assert.equal(wal.stats().pending_samples, 0);
}

async function withWal(fn: (l: Layout) => Promise<void>): Promise<void> {
  const l = await buildWal();
  try {
    await fn(l);
  } finally {
    await Deno.remove(l.dir, { recursive: true });
  }
}

Deno.test("recovery sets aside an empty file named inside a segment, losing nothing", async () => {
  await withWal((l) => assertSetAside(l, l.records[3]!.offset + 7, new Uint8Array(0)));
});

Deno.test("recovery sets aside an empty file named at a record boundary inside a segment", async () => {
  await withWal((l) => assertSetAside(l, l.records[3]!.offset, new Uint8Array(0)));
});

Deno.test("recovery sets aside a garbage file named inside the last segment", async () => {
  await withWal(async (l) => {
    const garbage = new Uint8Array(700);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) & 0xff;
    const last = l.records.at(-1)!;
    await assertSetAside(l, last.offset - 1, garbage);
  });
});

Deno.test("recovery sets aside a copy of a real segment's head named inside another", async () => {
  await withWal(async (l) => {
    const head = Deno.readFileSync(segPath(l.dir, l.segments[2]!)).subarray(0, 300);
    await assertSetAside(l, l.records[1]!.offset + 1, head);
  });
});

Deno.test("recovery sets aside a whole valid segment copy that overlaps two segments", async () => {
  await withWal(async (l) => {
    const copy = Deno.readFileSync(segPath(l.dir, l.segments[0]!));
    const inside = l.records.findIndex((r) => r.segment === l.segments[2]) + 2;
    await assertSetAside(l, l.records[inside]!.offset, copy);
  });
});

Deno.test("recovery sets aside a valid segment of another WAL planted inside this one", async () => {
  await withWal(async (l) => {
    const other = await buildWal(4);
    const bytes = Deno.readFileSync(segPath(other.dir, 0));
    await Deno.remove(other.dir, { recursive: true });
    await assertSetAside(l, l.records[5]!.offset, bytes);
  });
});

Deno.test("recovery keeps a real segment that starts inside a segment with a garbage tail", async () => {
  await withWal(async (l) => {
    // Garbage appended to segment 1 runs into segment 2's range: segment 2 is the data that checks out.
    const path = segPath(l.dir, l.segments[1]!);
    const f = await Deno.open(path, { append: true });
    await f.write(new Uint8Array(300).fill(0xa5));
    f.close();
    const { report, wal } = await inspectThenOpen(l.dir);
    await using _ = wal;
    assert.equal(report.records, N);
    assert.deepEqual(report.quarantined_files, []);
    // The garbage lies wholly in segment 2's range: not log data, nothing of the log lost.
    assert.deepEqual([report.corrupt_records, report.corrupt_bytes, report.missing_bytes], [
      0,
      0,
      0,
    ]);
    assert.deepEqual(await values(wal), range(0, N));
  });
});

Deno.test("openWal() a second time finds the quarantine folder and nothing to set aside", async () => {
  await withWal(async (l) => {
    Deno.writeFileSync(segPath(l.dir, l.records[2]!.offset + 3), new Uint8Array(0));
    await (await openWal(damageOptions(l.dir)))[Symbol.asyncDispose]();
    const { report, wal } = await inspectThenOpen(l.dir);
    await using _ = wal;
    assert.deepEqual(report.quarantined_files, []);
    assert.deepEqual(report.ignored_files, []);
    assert.ok(Deno.statSync(`${l.dir}/quarantine/${name(l.records[2]!.offset + 3)}`).isFile);
    assert.deepEqual(await values(wal), range(0, N));
  });
});
