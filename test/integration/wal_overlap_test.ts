/**
 * Files of segment shape planted inside the range of a real segment (empty, garbage, a copy of a
 * real segment's head, a valid segment from another WAL): recovery keeps every intact record, sets
 * the planted file aside in `quarantine/`, and `wal inspect` (read-only) reports what it would do.
 */
import assert from "node:assert/strict";
import { openWal } from "../../src/wal/wal.ts";
import { metricValue } from "../_support/wal_metrics.ts";
import { seqBody } from "../_support/wal_fixture.ts";
import { encodeWriteRequest } from "../_support/remote_write.ts";
import {
  assertAppendsWork,
  damageOptions,
  inspectThenOpen,
  type Layout,
  N,
  range,
  segPath,
  values,
  withWal,
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

/** A segment of another WAL: `n` records (values 500…) found nowhere in the WAL under test. */
async function foreignSegment(n: number): Promise<Uint8Array> {
  const dir = await Deno.makeTempDir({ prefix: "wal_foreign_" });
  try {
    await using wal = await openWal({ ...damageOptions(dir), segmentSize: 1 << 20 });
    for (let i = 0; i < n; i++) {
      wal.append(seqBody(500 + i, "10.9.9.9:22"), 1);
      await wal.flush();
    }
    return Deno.readFileSync(segPath(dir, 0));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("recovery sets aside a segment of another WAL that would cost as many records", async () => {
  await withWal(async (l) => {
    // 4 foreign records against records 5..8 of segment 0: a tie keeps the segment reached first.
    assert.equal(l.records.filter((r) => r.segment === 0).length, 9);
    await assertSetAside(l, l.records[5]!.offset, await foreignSegment(4));
  });
});

Deno.test("recovery ends a segment where a file that fits as well, with more records, starts", async () => {
  await withWal(async (l) => {
    // 20 small foreign records ending exactly where segment 1 starts: it fits the chain as well as
    // segment 0 (whose start nothing ends at) and holds more records found nowhere else than
    // segment 0 past its start, so segment 0 ends there and the records it gives up are counted.
    const dir = await Deno.makeTempDir({ prefix: "wal_foreign_" });
    let bytes: Uint8Array;
    try {
      await using wal = await openWal({ ...damageOptions(dir), segmentSize: 1 << 20 });
      for (let i = 0; i < 20; i++) {
        const body = encodeWriteRequest([{
          labels: [["__name__", "u"]],
          value: 500 + i,
          timestampMs: i,
        }]);
        wal.append(body, 1);
        await wal.flush();
      }
      bytes = Deno.readFileSync(segPath(dir, 0));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
    const at = l.segments[1]! - bytes.length;
    assert.ok(at > 0);
    Deno.writeFileSync(segPath(l.dir, at), bytes);
    const given = l.records.filter((r) => r.segment === 0 && r.offset + r.size > at);
    assert.ok(given.length < 20);
    const { report, registry, wal } = await inspectThenOpen(l.dir);
    await using _ = wal;
    assert.deepEqual(report.quarantined_files, []);
    assert.equal(report.records, N - given.length + 20);
    assert.deepEqual([report.corrupt_records, report.corrupt_samples], [
      given.length,
      given.length,
    ]);
    assert.equal(await metricValue(registry, "vmprober_wal_corrupt_records_total"), given.length);
    const kept = range(0, N).filter((v) => !given.includes(l.records[v]!));
    assert.deepEqual(
      (await values(wal)).slice().sort((x, y) => x - y),
      [...kept, ...range(500, 520)].sort((x, y) => x - y),
    );
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
