import assert from "node:assert/strict";
import { openWal, type WalReport } from "../../src/wal/wal.ts";
import { inspectWal } from "../../src/wal/inspect.ts";
import { inspectJson } from "../_support/wal_cli.ts";
import { MARKER_SIZE } from "../../src/wal/frame.ts";
import { recoverWal, segmentName } from "../../src/wal/recover.ts";
import { entryKeys, fillWal, testWalOptions, walKeys } from "../_support/wal_compact_fixture.ts";
import { encodeWriteRequest } from "../_support/remote_write.ts";

/** A filled WAL of a few 64 KiB segments (compaction off while filling). */
async function filled(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "wal_compact_" });
  await fillWal(dir, 60);
  return dir;
}

/** Segment starts and whether each is compacted (its file starts with the marker). */
async function layout(dir: string): Promise<Array<{ start: number; compacted: boolean }>> {
  const rec = await recoverWal(dir, { repair: false });
  return rec.index.segments.map((s) => ({ start: s.start, compacted: s.end !== undefined }));
}

const sameFigures = (a: WalReport, b: WalReport) => {
  for (
    const k of ["segments", "samples", "pending_samples", "end_offset"] as const
  ) {
    assert.equal(a[k], b[k], k);
  }
};

Deno.test("compaction rewrites every sealed segment and keeps every sample exactly", async () => {
  const dir = await filled();
  try {
    const before = await inspectWal(dir);
    const keys = await walKeys(dir);
    assert.ok(before.segments >= 3, `${before.segments} segments`);
    {
      await using wal = await openWal(testWalOptions(dir, { compact: true }));
      await wal.compaction();
      const after = wal.report();
      sameFigures(after, before);
      assert.ok(after.bytes < before.bytes * 0.7, `${after.bytes} of ${before.bytes} bytes`);
      assert.ok(after.records < before.records);
      assert.equal(after.corrupt_records, 0);
      // What the live WAL says is what a scan of the directory says.
      // (A scan snaps the push position to the first record: past the marker of segment 0.)
      const { sent_stops, ...inspected } = await inspectWal(dir);
      assert.deepEqual(sent_stops, []);
      assert.deepEqual({ ...inspected, push_position: 0 }, { ...after });
      assert.equal(inspected.push_position, MARKER_SIZE);
    }
    const l = await layout(dir);
    assert.deepEqual(l.map((s) => s.compacted), [...l.slice(1).map(() => true), false]);
    assert.deepEqual(await walKeys(dir), keys);
    // After reopening (recovery reads the markers): same figures, no gaps, nothing ignored.
    await using wal = await openWal(testWalOptions(dir));
    const reopened = wal.report();
    sameFigures(reopened, before);
    assert.equal(reopened.missing_segments, 0);
    assert.deepEqual(reopened.ignored_files, []);
    assert.equal(reopened.corrupt_records, 0);
    // The operator's view: `vmprober wal inspect --json` says the same.
    assert.deepEqual(await inspectJson(dir), { dir, ...await inspectWal(dir) });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a compacted segment's last record leads to the next segment; committing it deletes the file", async () => {
  const dir = await filled();
  try {
    await using wal = await openWal(testWalOptions(dir, { compact: true }));
    await wal.compaction();
    const segs = await layout(dir);
    const entries = await wal.read(0, { maxBytes: 1 << 30 });
    assert.equal(entries.at(-1)!.nextOffset, segs[1]!.start);
    // The pusher checks series order on records from compacted segments (order_gate.ts).
    assert.ok(entries.every((e) => e.compacted === true));
    const active = await wal.read(segs.at(-1)!.start, { maxBytes: 1 });
    assert.equal(active[0]!.compacted, false, "the active segment is not compacted");
    const pending = wal.stats().pending_samples;
    const inFirst = entries.reduce((n, e) => n + e.samples, 0);
    await wal.commit(entries.at(-1)!.nextOffset);
    assert.equal(wal.stats().pending_samples, pending - inFirst);
    await assert.rejects(Deno.stat(`${dir}/${segmentName(0)}`), Deno.errors.NotFound);
    assert.equal(
      (await wal.read(entries.at(-1)!.nextOffset, { maxBytes: 1 }))[0]!.offset > segs[1]!.start,
      true,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a segment the reader has read from is never compacted", async () => {
  const dir = await filled();
  try {
    const original = await Deno.readFile(`${dir}/${segmentName(0)}`);
    const keys = await walKeys(dir);
    let release!: () => void;
    const gate = new Promise<void>((r) => release = r);
    let paused = 0;
    await using wal = await openWal(testWalOptions(dir, {
      compact: true,
      compactPause: async () => {
        if (paused++ === 0) await gate; // hold compaction inside segment 0
      },
    }));
    while (paused === 0) await new Promise((r) => setTimeout(r, 1));
    const first = await wal.read(0, { maxBytes: 1 }); // the pusher starts on segment 0
    release();
    await wal.compaction();
    assert.deepEqual(await Deno.readFile(`${dir}/${segmentName(0)}`), original);
    const l = await layout(dir);
    assert.equal(l[0]!.compacted, false);
    assert.ok(l.slice(1, -1).every((s) => s.compacted), JSON.stringify(l));
    // The offset handed out before stays valid: reading on from it yields the rest exactly once.
    const rest = [];
    for (let offset = first.at(-1)!.nextOffset;;) {
      const es = await wal.read(offset, { maxBytes: 4096 });
      if (es.length === 0) break;
      rest.push(...es);
      offset = es.at(-1)!.nextOffset;
    }
    assert.deepEqual(entryKeys([...first, ...rest]), keys);
    assert.equal(wal.stats().corrupt_records, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a segment partly pushed before a restart is never compacted", async () => {
  const dir = await filled();
  try {
    const segs = await layout(dir);
    {
      await using wal = await openWal(testWalOptions(dir));
      const es = await wal.read(segs[1]!.start, { maxBytes: 1 });
      await wal.commit(es[0]!.nextOffset);
    }
    const keys = await walKeys(dir);
    await using wal = await openWal(testWalOptions(dir, { compact: true }));
    const pending = wal.stats().pending_samples;
    await wal.compaction();
    const l = await layout(dir);
    assert.equal(l[0]!.start, segs[1]!.start, "segment 0 was deleted by the commit");
    assert.equal(l[0]!.compacted, false);
    assert.ok(l.slice(1, -1).every((s) => s.compacted), JSON.stringify(l));
    assert.equal(wal.stats().pending_samples, pending);
    assert.deepEqual(await walKeys(dir), keys);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("segments holding batches sent before a restart (push_sent) are never compacted", async () => {
  const dir = await filled();
  try {
    const segs = await layout(dir);
    assert.ok(segs.length >= 4, `${segs.length} segments`);
    {
      // Batches up to a record inside segment 2 went out; nothing was committed.
      await using wal = await openWal(testWalOptions(dir));
      const es = await wal.read(segs[2]!.start, { maxBytes: 1 });
      wal.destination("").noteSent!(0, [segs[1]!.start, es[0]!.nextOffset]);
    }
    await using wal = await openWal(testWalOptions(dir, { compact: true }));
    await wal.compaction();
    const l = await layout(dir);
    assert.deepEqual(l.slice(0, 3).map((s) => s.compacted), [false, false, false]);
    assert.ok(l.slice(3, -1).every((s) => s.compacted), JSON.stringify(l));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("read() racing compaction returns every sample exactly once, never a mix of layouts", async () => {
  const template = await filled();
  const keys = await walKeys(template);
  const seen = { compacted: 0, kept: 0 };
  try {
    for (let round = 0; round < 24; round++) {
      const dir = await Deno.makeTempDir({ prefix: "wal_compact_race_" });
      try {
        for await (const e of Deno.readDir(template)) {
          await Deno.copyFile(`${template}/${e.name}`, `${dir}/${e.name}`);
        }
        await using wal = await openWal(testWalOptions(dir, { compact: true }));
        for (let t = 0; t < round * 3; t++) await new Promise((r) => setTimeout(r, 0));
        const entries = [];
        for (let offset = wal.pushPosition;;) {
          const es = await wal.read(offset, { maxBytes: 2048 });
          if (es.length === 0) break;
          entries.push(...es);
          offset = es.at(-1)!.nextOffset;
          await new Promise((r) => setTimeout(r, 0));
        }
        await wal.compaction();
        assert.deepEqual(entryKeys(entries), keys, `round ${round}`);
        assert.equal(wal.stats().corrupt_records, 0);
        const l = await layout(dir);
        seen.compacted += l.filter((s) => s.compacted).length;
        seen.kept += l.slice(0, -1).filter((s) => !s.compacted).length;
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    }
    // Both outcomes happened: the reader got there first for some segments, compaction for others.
    assert.ok(seen.compacted > 0 && seen.kept > 0, JSON.stringify(seen));
  } finally {
    await Deno.remove(template, { recursive: true });
  }
});

Deno.test("opening removes a compaction file a crash left behind; inspect does not list it", async () => {
  const dir = await filled();
  try {
    const before = await inspectWal(dir);
    const tmp = `${dir}/${segmentName(0)}.compact`;
    await Deno.writeFile(tmp, new Uint8Array(1000).fill(7));
    assert.deepEqual(await inspectWal(dir), before);
    await using wal = await openWal(testWalOptions(dir));
    await assert.rejects(Deno.stat(tmp), Deno.errors.NotFound);
    assert.deepEqual(wal.report().ignored_files, []);
    sameFigures(wal.report(), before);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("after a compacted last segment, appends start a new segment at its logical end", async () => {
  const dir = await filled();
  try {
    {
      await using wal = await openWal(testWalOptions(dir, { compact: true }));
      await wal.compaction();
    }
    const l = await layout(dir);
    const last = l.at(-1)!;
    await Deno.remove(`${dir}/${segmentName(last.start)}`); // lose the active segment
    const keys = await walKeys(dir);
    await fillWal(dir, 1, { tcp: 1, icmp: 0, from: 1000 });
    const after = await layout(dir);
    assert.deepEqual(after.at(-1), { start: last.start, compacted: false });
    const report = await inspectWal(dir);
    assert.equal(report.missing_segments, 0);
    assert.equal((await walKeys(dir)).length, keys.length + 6); // one TCP record: 6 series
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("holdCompaction() keeps sealed segments as they are until released", async () => {
  const dir = await filled();
  try {
    await using wal = await openWal(testWalOptions(dir, { compact: true, compactHeld: true }));
    await wal.compaction();
    assert.ok((await layout(dir)).every((s) => !s.compacted), "nothing compacted while held");
    wal.holdCompaction(false);
    await wal.compaction();
    const l = await layout(dir);
    assert.deepEqual(l.map((s) => s.compacted), [...l.slice(1).map(() => true), false]);
    wal.holdCompaction(true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("compaction gives up on a segment after a first window that does not shrink", async () => {
  // Records of ~640 KiB, each of 8,000 series seen once (random hex labels, in label order):
  // grouping a record changes nothing but its cut into records of 256 KiB, two frames more.
  const dir = await Deno.makeTempDir({ prefix: "wal_compact_" });
  let seed = 42;
  const hex = () => {
    let out = "";
    for (let i = 0; i < 40; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      out += (seed >>> 24 & 15).toString(16);
    }
    return out;
  };
  const options = testWalOptions(dir, { segmentSize: 8 << 20, fsync: "never" });
  try {
    {
      await using wal = await openWal(options);
      for (let r = 0; r < 24; r++) {
        wal.append(
          encodeWriteRequest(
            Array.from({ length: 8000 }, hex).sort().map((id, i) => ({
              labels: [["__name__", "x"], ["id", id]],
              value: i,
              timestampMs: 1_700_000_000_000 + r,
            })),
          ),
          8000,
        );
        await wal.flush();
      }
    }
    const before = await layout(dir);
    assert.equal(before.length, 2);
    const keys = await walKeys(dir);
    let pauses = 0;
    await using wal = await openWal({
      ...options,
      compact: true,
      compactWindowSamples: 8000,
      compactPause: () => (pauses++, Promise.resolve()),
    });
    await wal.compaction();
    assert.deepEqual(await layout(dir), before, "left as it was");
    assert.deepEqual(await walKeys(dir), keys);
    // One old record grouped, its two new ones written: three slices, not the whole segment's.
    assert.equal(pauses, 3);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
