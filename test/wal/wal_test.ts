import assert from "node:assert/strict";
import { Registry } from "../../src/base/prom.ts";
import { openWal } from "../../src/wal/wal.ts";
import { readPosition } from "../../src/wal/position.ts";
import { manualClock, seqBody } from "../_support/wal_fixture.ts";
import { metricValue } from "../_support/wal_metrics.ts";
import { walTestOptions } from "../_support/wal_test_options.ts";
import { range, segmentNames, walValues } from "../_support/wal_read_back.ts";
import { withTempDir } from "../_support/temp_dir.ts";

const withDir = (fn: (dir: string) => Promise<void>) => withTempDir(fn, { prefix: "wal_test_" });

Deno.test("openWal() appends, rotates segments and reads back in order after reopening", async () => {
  await withDir(async (dir) => {
    {
      await using wal = await openWal(walTestOptions(dir));
      for (let i = 0; i < 200; i++) {
        assert.equal(wal.append(seqBody(i), 1), true);
        if (i % 7 === 6) await wal.flush();
      }
      await wal.flush();
      assert.deepEqual(await walValues(wal, { maxBytes: 300 }), range(0, 200));
      const s = wal.stats();
      assert.equal(s.samples, 200);
      assert.equal(s.pending_samples, 200);
      assert.ok(s.segments > 3, `segments ${s.segments}`);
      assert.equal(segmentNames(dir).length, s.segments);
      assert.equal(segmentNames(dir)[0], "00000000000000000000");
    }
    await using again = await openWal(walTestOptions(dir));
    assert.deepEqual(await walValues(again, { maxBytes: 300 }), range(0, 200));
    assert.equal(again.append(seqBody(200), 1), true);
    await again.flush();
    assert.deepEqual(await walValues(again, { maxBytes: 300 }), range(0, 201));
    assert.equal(again.stats().corrupt_records, 0);
  });
});

Deno.test("openWal() names each segment by its start offset", async () => {
  await withDir(async (dir) => {
    await using wal = await openWal(walTestOptions(dir));
    for (let i = 0; i < 60; i++) {
      wal.append(seqBody(i), 1);
      await wal.flush();
    }
    let expected = 0;
    for (const name of segmentNames(dir)) {
      assert.equal(Number(name), expected);
      expected += Deno.statSync(`${dir}/${name}`).size;
      assert.ok(Deno.statSync(`${dir}/${name}`).size <= 1024);
    }
    assert.equal(expected, wal.stats().end_offset);
  });
});

Deno.test("append() batches appends of one tick into one record with fsync always", async () => {
  await withDir(async (dir) => {
    const clock = manualClock();
    await using wal = await openWal(walTestOptions(dir, { clock, segmentSize: 1 << 20 }));
    for (let i = 0; i < 50; i++) wal.append(seqBody(i), 1);
    assert.deepEqual(clock.pending(), [0]);
    assert.equal(wal.stats().records, 0);
    clock.fire();
    await wal.flush();
    assert.equal(wal.stats().records, 1);
    assert.equal(wal.stats().samples, 50);
  });
});

Deno.test("append() with fsync batch writes only when fsync_interval has passed", async () => {
  await withDir(async (dir) => {
    const clock = manualClock();
    await using wal = await openWal(
      walTestOptions(dir, { clock, fsync: "batch", fsyncIntervalMs: 250 }),
    );
    wal.append(seqBody(1), 1);
    wal.append(seqBody(2), 1);
    assert.deepEqual(clock.pending(), [250]);
    await Promise.resolve();
    assert.equal(wal.stats().records, 0);
    assert.ok(wal.unwrittenBytes > 0);
    assert.equal(clock.fire(), 1);
    await wal.flush();
    assert.equal(wal.stats().records, 1);
    assert.equal(wal.unwrittenBytes, 0);
    assert.deepEqual(await walValues(wal, { maxBytes: 300 }), [1, 2]);
  });
});

Deno.test("read() honours maxBytes but returns at least one entry", async () => {
  await withDir(async (dir) => {
    await using wal = await openWal(walTestOptions(dir, { segmentSize: 1 << 20 }));
    for (let i = 0; i < 10; i++) {
      wal.append(seqBody(i), 1);
      await wal.flush();
    }
    const one = await wal.read(0, { maxBytes: 1 });
    assert.equal(one.length, 1);
    assert.equal(one[0]!.offset, 0);
    assert.equal(one[0]!.samples, 1);
    const all = await wal.read(0, { maxBytes: 1 << 20 });
    assert.equal(all.length, 10);
    assert.equal(all[3]!.offset, all[2]!.nextOffset);
    assert.deepEqual(await wal.read(wal.stats().end_offset, { maxBytes: 100 }), []);
  });
});

Deno.test("waitForData() resolves when a record is written, or on abort", async () => {
  await withDir(async (dir) => {
    await using wal = await openWal(walTestOptions(dir));
    const ac = new AbortController();
    let done = false;
    const waiting = wal.waitForData(0, ac.signal).then(() => done = true);
    await Promise.resolve();
    assert.equal(done, false);
    wal.append(seqBody(1), 1);
    await wal.flush();
    await waiting;
    assert.equal(done, true);
    const end = wal.stats().end_offset;
    const aborted = wal.waitForData(end, ac.signal);
    ac.abort();
    await aborted;
  });
});

Deno.test("commit() saves the position, deletes pushed segments and survives reopening", async () => {
  await withDir(async (dir) => {
    let position = 0;
    {
      await using wal = await openWal(walTestOptions(dir));
      for (let i = 0; i < 100; i++) {
        wal.append(seqBody(i), 1);
        await wal.flush();
      }
      const before = segmentNames(dir).length;
      const entries = await wal.read(0, { maxBytes: 2000 });
      position = entries.at(-1)!.nextOffset;
      await wal.commit(position);
      assert.equal(wal.pushPosition, position);
      assert.equal(wal.stats().pending_samples, 100 - entries.length);
      assert.ok(segmentNames(dir).length < before);
      assert.ok(Number(segmentNames(dir)[0]) <= position);
      assert.deepEqual(await readPosition(dir), { state: "ok", offset: position });
      await wal.commit(position - 1); // never backwards
      assert.equal(wal.pushPosition, position);
    }
    await using again = await openWal(walTestOptions(dir));
    assert.equal(again.pushPosition, position);
    const rest = await walValues(again, { from: again.pushPosition, maxBytes: 300 });
    assert.equal(rest[0], 100 - rest.length);
    assert.equal(again.stats().pending_samples, rest.length);
    await again.commit(again.stats().end_offset);
    assert.equal(again.stats().pending_samples, 0);
    assert.equal(segmentNames(dir).length, 1, "the segment being written is kept");
  });
});

Deno.test("max_size drops the oldest segment and counts its unpushed samples as wal_full", async () => {
  await withDir(async (dir) => {
    const registry = new Registry();
    await using wal = await openWal(walTestOptions(dir, { maxSize: 3000, registry }));
    for (let i = 0; i < 100; i++) {
      wal.append(seqBody(i), 1);
      await wal.flush();
    }
    const s = wal.stats();
    assert.ok(s.bytes <= 3000, `bytes ${s.bytes}`);
    const kept = await walValues(wal, { from: wal.pushPosition, maxBytes: 300 });
    const dropped = 100 - kept.length;
    assert.ok(dropped > 0);
    assert.deepEqual(kept, range(dropped, 100));
    assert.equal(
      await metricValue(registry, "vmprober_push_dropped_samples_total", { reason: "wal_full" }),
      dropped,
    );
    assert.equal(s.pending_samples, kept.length);
    assert.equal(wal.pushPosition, Number(segmentNames(dir)[0]));
  });
});

Deno.test("openWal() exports the WAL metrics to the given registry", async () => {
  await withDir(async (dir) => {
    const registry = new Registry();
    await using wal = await openWal(walTestOptions(dir, { registry }));
    for (let i = 0; i < 3; i++) wal.append(seqBody(i), 1);
    await wal.flush();
    wal.append(seqBody(3), 1);
    await wal.flush();
    const s = wal.stats();
    assert.equal(await metricValue(registry, "vmprober_wal_records_total"), 2);
    assert.equal(await metricValue(registry, "vmprober_wal_bytes"), s.bytes);
    assert.equal(await metricValue(registry, "vmprober_wal_segments"), 1);
    assert.equal(await metricValue(registry, "vmprober_wal_pending_samples"), 4);
    assert.equal(await metricValue(registry, "vmprober_wal_corrupt_records_total"), 0);
    assert.equal(await metricValue(registry, "vmprober_wal_disk_full"), 0);
  });
});

Deno.test("append() refuses and counts samples once the WAL is closed", async () => {
  await withDir(async (dir) => {
    const registry = new Registry();
    const wal = await openWal(walTestOptions(dir, { registry }));
    wal.append(seqBody(1), 1);
    await wal[Symbol.asyncDispose]();
    assert.equal(wal.stats().records, 1, "close flushes");
    assert.equal(wal.append(seqBody(2), 3), false);
    assert.equal(
      await metricValue(registry, "vmprober_push_dropped_samples_total", { reason: "wal_closed" }),
      3,
    );
  });
});

Deno.test("append() keeps a copy: the caller may reuse its buffer before the flush", async () => {
  await withDir(async (dir) => {
    await using wal = await openWal(walTestOptions(dir, { fsync: "batch" }));
    const a = seqBody(1);
    const buf = new Uint8Array(a.length);
    buf.set(a);
    assert.equal(wal.append(buf, 1), true);
    buf.set(seqBody(2).subarray(0, buf.length)); // overwritten before the timed flush
    assert.equal(wal.append(seqBody(3), 1), true);
    await wal.flush();
    assert.deepEqual(await walValues(wal, { maxBytes: 300 }), [1, 3]);
  });
});
