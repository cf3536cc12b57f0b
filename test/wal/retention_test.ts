import assert from "node:assert/strict";
import { Registry } from "../../src/base/prom.ts";
import { openWal, type WalOptions } from "../../src/wal/wal.ts";
import { readPosition, writePosition } from "../../src/wal/position.ts";
import { destinationPositionFile } from "../../src/wal/destination_positions.ts";
import type { Wal, WalEntry } from "../../src/wal/types.ts";
import { seqBody } from "../_support/wal_fixture.ts";
import { metricValue } from "../_support/wal_metrics.ts";
import { walTestOptions } from "../_support/wal_test_options.ts";
import { range, segmentNames, walValues } from "../_support/wal_read_back.ts";
import { withTempDir } from "../_support/temp_dir.ts";
import { inspectWal } from "../../src/wal/inspect.ts";
import { formatReport } from "../../src/cli/wal_command.ts";

const options = (dir: string, more: Partial<WalOptions> = {}) =>
  walTestOptions(dir, { destinations: ["a", "b"], ...more });

async function entriesOf(wal: Wal): Promise<WalEntry[]> {
  const out: WalEntry[] = [];
  for (let offset = 0;;) {
    const entries = await wal.read(offset, { maxBytes: 1 << 20 });
    if (entries.length === 0) return out;
    out.push(...entries);
    offset = entries.at(-1)!.nextOffset;
  }
}

const withWal = (fn: (dir: string) => Promise<void>) =>
  withTempDir(fn, { prefix: "retention_test_" });

async function fill(wal: Wal, n: number, from = 0): Promise<void> {
  for (let i = from; i < from + n; i++) {
    wal.append(seqBody(i), 1);
    await wal.flush();
  }
}

Deno.test("a WAL segment is deleted only once every destination has passed it", async () => {
  await withWal(async (dir) => {
    await using wal = await openWal(options(dir));
    await fill(wal, 100);
    const all = segmentNames(dir).length;
    assert.ok(all >= 4, `${all} segments`);
    const a = wal.destination("a");
    const b = wal.destination("b");
    const end = wal.stats().end_offset;
    await a.commit(end);
    assert.equal(a.stats().pending_samples, 0);
    assert.equal(b.stats().pending_samples, 100);
    assert.equal(wal.stats().pending_samples, 100, "the WAL's own figure: the slowest");
    assert.equal(segmentNames(dir).length, all, "b has pushed nothing: every segment stays");
    // b passes the first two segments: those go, the rest stay.
    const third = Number(segmentNames(dir)[2]);
    await b.commit(third);
    assert.equal(segmentNames(dir).length, all - 2);
    assert.equal(wal.pushPosition, third);
    assert.deepEqual(await readPosition(dir), { state: "ok", offset: third });
    assert.deepEqual(await readPosition(dir, destinationPositionFile("a")), {
      state: "ok",
      offset: end,
    });
    assert.deepEqual(await readPosition(dir, destinationPositionFile("b")), {
      state: "ok",
      offset: third,
    });
    await b.commit(end);
    assert.equal(segmentNames(dir).length, 1, "the segment being written is kept");
  });
});

Deno.test("each destination reopens at its own position; a new one starts at the lowest", async () => {
  await withWal(async (dir) => {
    let posA: number;
    let posB: number;
    {
      await using wal = await openWal(options(dir));
      await fill(wal, 60);
      const entries = await entriesOf(wal);
      posA = entries[40]!.offset;
      posB = entries[10]!.offset;
      await wal.destination("a").commit(posA);
      await wal.destination("b").commit(posB);
    }
    {
      await using wal = await openWal(options(dir, { destinations: ["a", "b", "c"] }));
      assert.equal(wal.destination("a").pushPosition, posA);
      assert.equal(wal.destination("b").pushPosition, posB);
      assert.equal(wal.destination("c").pushPosition, posB, "c: from push_position (the lowest)");
      assert.deepEqual(
        await walValues(wal.destination("a"), { from: posA, maxBytes: 300 }),
        range(40, 60),
      );
      assert.throws(() => wal.destination("d"), {
        name: "RangeError",
        message: 'Cannot find the WAL destination "d"',
      });
    }
    {
      // b leaves the config: its file goes, and it no longer holds anything back.
      await using wal = await openWal(options(dir, { destinations: ["a", "c"] }));
      assert.equal((await readPosition(dir, destinationPositionFile("b"))).state, "missing");
      await wal.destination("c").commit(posA);
      assert.equal(wal.pushPosition, posA);
    }
  });
});

Deno.test("an upgrade from one destination to two keeps the old position for both", async () => {
  await withWal(async (dir) => {
    let pos: number;
    {
      await using wal = await openWal(options(dir, { destinations: ["only"] }));
      await fill(wal, 30);
      pos = (await entriesOf(wal))[20]!.offset;
      await wal.destination("only").commit(pos);
      assert.equal((await readPosition(dir, destinationPositionFile("only"))).state, "missing");
      assert.deepEqual(await readPosition(dir), { state: "ok", offset: pos });
    }
    await using wal = await openWal(options(dir, { destinations: ["only", "new"] }));
    assert.equal(wal.destination("only").pushPosition, pos);
    assert.equal(wal.destination("new").pushPosition, pos);
    assert.equal(wal.destination("new").stats().pending_samples, 10);
  });
});

Deno.test("a corrupt destination position file falls back to the lowest position", async () => {
  await withWal(async (dir) => {
    let low: number;
    {
      await using wal = await openWal(options(dir));
      await fill(wal, 30);
      const entries = await entriesOf(wal);
      low = entries[5]!.offset;
      await wal.destination("a").commit(entries[25]!.offset);
      await wal.destination("b").commit(low);
    }
    await Deno.writeTextFile(`${dir}/${destinationPositionFile("a")}`, "12 deadbeef\n");
    await using wal = await openWal(options(dir));
    assert.equal(wal.destination("a").pushPosition, low);
    assert.ok([...Deno.readDirSync(`${dir}/quarantine`)].length >= 1, "the bad file is kept aside");
  });
});

Deno.test("max_size counts dropped samples per destination, for those that had not pushed them", async () => {
  await withWal(async (dir) => {
    const registry = new Registry();
    await using wal = await openWal(options(dir, { maxSize: 3000, registry }));
    await fill(wal, 20);
    // a keeps up with what there is so far; b pushes nothing.
    await wal.destination("a").commit(wal.stats().end_offset);
    await fill(wal, 80, 20);
    const keptA = await walValues(wal, { from: wal.destination("a").pushPosition, maxBytes: 300 });
    const keptB = await walValues(wal, { from: wal.destination("b").pushPosition, maxBytes: 300 });
    const droppedB = 100 - keptB.length;
    assert.ok(droppedB > 20, `b dropped ${droppedB}`);
    assert.deepEqual(keptB, range(droppedB, 100));
    const droppedA = 100 - 20 - keptA.length;
    assert.ok(droppedA >= 0 && droppedA < droppedB, `a dropped ${droppedA}`);
    const value = (destination: string) =>
      metricValue(registry, "vmprober_push_dropped_samples_total", {
        reason: "wal_full",
        destination,
      });
    assert.equal(await value("b"), droppedB);
    assert.equal(await value("a"), droppedA);
    assert.equal(wal.destination("b").stats().pending_samples, keptB.length);
  });
});

Deno.test("a planted position file of a destination stays out of the WAL's ignored files", async () => {
  await withWal(async (dir) => {
    {
      await using wal = await openWal(options(dir));
      await fill(wal, 3);
    }
    await writePosition(dir, 0, destinationPositionFile("gone"));
    await Deno.writeTextFile(`${dir}/${destinationPositionFile("a")}.tmp`, "torn");
    await using wal = await openWal(options(dir));
    assert.deepEqual(wal.report().ignored_files, []);
    const left = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.startsWith("dest"));
    assert.deepEqual(left, [], "gone's file deleted, a's torn tmp removed");
  });
});

Deno.test("inspectWal() shows each destination's position and pending samples", async () => {
  await withWal(async (dir) => {
    let posA: number;
    {
      await using wal = await openWal(options(dir, { destinations: ["a", "vm:8428/w"] }));
      await fill(wal, 30);
      posA = (await entriesOf(wal))[20]!.offset;
      await wal.destination("a").commit(posA);
      await wal.destination("vm:8428/w").commit((await entriesOf(wal))[25]!.offset);
    }
    const report = await inspectWal(dir);
    assert.deepEqual(report.destinations, {
      a: { push_position: posA, pending_samples: 10, file: "ok", sent_stops: [] },
      "vm:8428/w": {
        push_position: report.destinations!["vm:8428/w"]!.push_position,
        pending_samples: 5,
        file: "ok",
        sent_stops: [],
      },
    });
    assert.equal(report.push_position, posA);
    assert.equal(report.pending_samples, 10);
    assert.match(
      formatReport(dir, report),
      /destination vm:8428\/w: 5 pending \(position \d+, file ok\)/,
    );
  });
});
