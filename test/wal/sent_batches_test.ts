import assert from "node:assert/strict";
import { openWal } from "../../src/wal/wal.ts";
import {
  formatSent,
  noteBytes,
  parseSent,
  readSentStops,
  SENT_FILE,
  SentNotes,
} from "../../src/wal/sent_batches.ts";
import { destinationSentFile } from "../../src/wal/destination_positions.ts";
import { createBatcher } from "../../src/push/batcher.ts";
import { seqBody } from "../_support/wal_fixture.ts";
import { walTestOptions } from "../_support/wal_test_options.ts";
import { withTempDir } from "../_support/temp_dir.ts";
import { inspectWal } from "../../src/wal/inspect.ts";
import { formatReport } from "../../src/cli/wal_command.ts";

const withDir = (fn: (dir: string) => Promise<void>) => withTempDir(fn, { prefix: "wal_sent_" });

Deno.test("parseSent() reads what formatSent() writes and refuses damage", () => {
  const good = formatSent({ from: 5, ends: [17, 2 ** 40] });
  assert.deepEqual(parseSent(good), { from: 5, ends: [17, 2 ** 40] });
  assert.equal(parseSent(good.replace("17", "18")), null); // checksum
  assert.equal(parseSent(formatSent({ from: 20, ends: [10] })), null); // not ascending
  assert.equal(parseSent(formatSent({ from: 1, ends: [2, 2] })), null);
  assert.equal(parseSent(""), null);
  assert.equal(parseSent("5 00000000\n"), null); // no end
  assert.equal(parseSent("x".repeat(5000)), null);
});

Deno.test("SentNotes keeps the newest 64 ends and readSentStops() gives those past the position", async () => {
  await withDir(async (dir) => {
    using notes = new SentNotes(dir, SENT_FILE);
    notes.note(0, [10, 20, 30]);
    assert.deepEqual(await readSentStops(dir, SENT_FILE, 0), [10, 20, 30]);
    assert.deepEqual(await readSentStops(dir, SENT_FILE, 20), [30]);
    assert.deepEqual(await readSentStops(dir, SENT_FILE, 30), []);
    const many = Array.from({ length: 100 }, (_, i) => (i + 1) * 10);
    notes.note(0, many);
    const kept = parseSent(await Deno.readTextFile(`${dir}/${SENT_FILE}`))!;
    assert.deepEqual(kept, { from: 360, ends: many.slice(36) });
  });
});

Deno.test("readSentStops() ignores a planted directory, symlink, huge or garbage file", async () => {
  await withDir(async (dir) => {
    assert.deepEqual(await readSentStops(dir, SENT_FILE, 0), []); // missing
    await Deno.writeTextFile(`${dir}/${SENT_FILE}`, "garbage\n");
    assert.deepEqual(await readSentStops(dir, SENT_FILE, 0), []);
    await Deno.writeTextFile(`${dir}/${SENT_FILE}`, "1 ".repeat(2000));
    assert.deepEqual(await readSentStops(dir, SENT_FILE, 0), []);
    await Deno.remove(`${dir}/${SENT_FILE}`);
    await Deno.symlink("/dev/zero", `${dir}/${SENT_FILE}`);
    assert.deepEqual(await readSentStops(dir, SENT_FILE, 0), []);
    await Deno.remove(`${dir}/${SENT_FILE}`);
    await Deno.mkdir(`${dir}/${SENT_FILE}`);
    assert.deepEqual(await readSentStops(dir, SENT_FILE, 0), []);
  });
});

Deno.test("a directory planted as push_sent is set aside at open, and the file is written again", async () => {
  await withDir(async (dir) => {
    await Deno.mkdir(`${dir}/${SENT_FILE}`);
    await using wal = await openWal(walTestOptions(dir));
    assert.throws(() => Deno.lstatSync(`${dir}/${SENT_FILE}`), Deno.errors.NotFound);
    assert.deepEqual(wal.report().ignored_files, []);
    const view = wal.destination("");
    view.noteSent!(0, [42]);
    assert.equal(Deno.lstatSync(`${dir}/${SENT_FILE}`).isFile, true);
    assert.ok([...Deno.readDirSync(`${dir}/quarantine`)].some((e) => e.name.startsWith(SENT_FILE)));
  });
});

Deno.test("after a restart the batcher ends its first batches where those sent before ended", async () => {
  await withDir(async (dir) => {
    const ends: number[] = [];
    {
      await using wal = await openWal(walTestOptions(dir, { segmentSize: 1 << 20 }));
      for (let i = 0; i < 10; i++) {
        wal.append(seqBody(i), 1);
        await wal.flush();
      }
      const view = wal.destination("");
      // Two batches went out (records 0–2 and 3–4); the crash came before any commit.
      const entries = await view.read(0, { maxBytes: 1 << 20 });
      assert.equal(entries.length, 10);
      ends.push(entries[2]!.nextOffset, entries[4]!.nextOffset);
      view.noteSent!(0, ends);
    }
    await using wal = await openWal(walTestOptions(dir, { segmentSize: 1 << 20 }));
    const view = wal.destination("");
    assert.deepEqual(view.resendStops, ends);
    const batcher = createBatcher(view, view.pushPosition, {
      maxSamples: 1000,
      maxBytes: 1 << 20,
      stops: view.resendStops!,
    });
    const got = [];
    for (let b = await batcher.next(); b; b = await batcher.next()) {
      got.push([b.records, b.nextOffset, b.resend === true]);
    }
    const last = (await view.read(0, { maxBytes: 1 << 20 })).at(-1)!.nextOffset;
    assert.deepEqual(got, [[3, ends[0], true], [2, ends[1], true], [5, last, false]]);
  });
});

Deno.test("with several destinations each has its own sent file, and a removed one's goes", async () => {
  await withDir(async (dir) => {
    {
      await using wal = await openWal(walTestOptions(dir, { destinations: ["a", "b:1/x"] }));
      wal.append(seqBody(1), 1);
      await wal.flush();
      const end = (await wal.read(0, { maxBytes: 1 << 20 }))[0]!.nextOffset;
      wal.destination("a").noteSent!(0, [end]);
      wal.destination("b:1/x").noteSent!(0, [end]);
    }
    const names = () =>
      [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.includes("sent"));
    assert.deepEqual(
      names().sort(),
      [destinationSentFile("a"), destinationSentFile("b:1/x")].sort(),
    );
    {
      await using wal = await openWal(walTestOptions(dir, { destinations: ["a", "c"] }));
      assert.equal(wal.destination("a").resendStops!.length, 1);
      assert.deepEqual(wal.destination("c").resendStops, []);
    }
    assert.deepEqual(names(), [destinationSentFile("a")]);
  });
});

/** Ten one-sample records in `dir`, and where each ends. */
async function tenRecords(dir: string): Promise<number[]> {
  await using wal = await openWal(walTestOptions(dir, { segmentSize: 1 << 20 }));
  for (let i = 0; i < 10; i++) {
    wal.append(seqBody(i), 1);
    await wal.flush();
  }
  return (await wal.read(0, { maxBytes: 1 << 20 })).map((e) => e.nextOffset);
}

Deno.test("after a restart the batches before the first in flight end where it starts (position lagging)", async () => {
  await withDir(async (dir) => {
    const ends = await tenRecords(dir);
    {
      // Records 0–2 were acknowledged and their commit was being saved when records 3–5 went
      // out; the crash came before the position reached the disk.
      await using wal = await openWal(walTestOptions(dir, { segmentSize: 1 << 20 }));
      wal.destination("").noteSent!(ends[2]!, [ends[5]!]);
    }
    await using wal = await openWal(walTestOptions(dir, { segmentSize: 1 << 20 }));
    const view = wal.destination("");
    assert.equal(view.pushPosition, 0);
    assert.deepEqual(view.resendStops, [ends[2], ends[5]]);
    const batcher = createBatcher(view, 0, {
      maxSamples: 1000,
      maxBytes: 1 << 20,
      stops: view.resendStops!,
    });
    const got = [];
    for (let b = await batcher.next(); b; b = await batcher.next()) {
      got.push([b.records, b.nextOffset, b.resend === true]);
    }
    assert.deepEqual(got, [[3, ends[2], true], [3, ends[5], true], [4, ends[9], false]]);
  });
});

Deno.test("batch ends that are no record ends of this WAL (another log, a lost tail) are ignored", async () => {
  await withDir(async (dir) => {
    const ends = await tenRecords(dir);
    {
      await using wal = await openWal(walTestOptions(dir, { segmentSize: 1 << 20 }));
      wal.destination("").noteSent!(0, [ends[2]! + 1, ends[5]!, ends[9]! + 100, 2 ** 40]);
    }
    await using wal = await openWal(walTestOptions(dir, { segmentSize: 1 << 20 }));
    assert.deepEqual(wal.destination("").resendStops, [ends[5]]);
  });
});

Deno.test("SentNotes never writes through a symlink or fifo planted at its path, and a shorter note replaces a longer one", async () => {
  await withDir(async (dir) => {
    const outside = `${dir}/outside`;
    await Deno.writeTextFile(outside, "keep\n");
    await Deno.symlink(outside, `${dir}/${SENT_FILE}`);
    using notes = new SentNotes(dir, SENT_FILE);
    notes.note(0, [10, 2 ** 40]);
    assert.equal(await Deno.readTextFile(outside), "keep\n");
    assert.equal((await Deno.lstat(`${dir}/${SENT_FILE}`)).isFile, true);
    notes.note(0, [7]);
    assert.deepEqual(await readSentStops(dir, SENT_FILE, 0), [7]);
  });
});

Deno.test("inspectWal() shows the resend stops of push_sent and of each destination's file", async () => {
  await withDir(async (dir) => {
    const ends = await tenRecords(dir);
    {
      await using wal = await openWal(walTestOptions(dir, { segmentSize: 1 << 20 }));
      wal.destination("").noteSent!(ends[2]!, [ends[5]!]);
    }
    const report = await inspectWal(dir);
    assert.deepEqual(report.sent_stops, [ends[2], ends[5]]);
    assert.deepEqual(report.ignored_files, []);
    assert.match(formatReport(dir, report), new RegExp(`resend stops: +${ends[2]} ${ends[5]}`));
    {
      await using wal = await openWal(walTestOptions(dir, { destinations: ["a", "b"] }));
      for (const name of ["a", "b"]) await wal.destination(name).commit(ends[0]!);
      wal.destination("a").noteSent!(ends[0]!, [ends[1]!]);
    }
    const multi = await inspectWal(dir);
    assert.deepEqual(multi.destinations?.a?.sent_stops, [ends[1]]);
    assert.deepEqual(multi.destinations?.b?.sent_stops, []);
  });
});

Deno.test("noteBytes() covers the old text in one write: no truncate, so a kill never leaves a head on an old tail", () => {
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  const long = new TextEncoder().encode(formatSent({ from: 0, ends: [10, 2 ** 40, 2 ** 41] }));
  const short = { from: 3, ends: [7] };
  const bytes = noteBytes(short, long.length);
  assert.equal(bytes.length, long.length);
  assert.deepEqual(parseSent(decode(bytes)), short);
  // What a write of the bare line over the old file left until a truncate came: unreadable.
  const bare = new TextEncoder().encode(formatSent(short));
  const overlaid = long.slice();
  overlaid.set(bare);
  assert.equal(parseSent(decode(overlaid)), null);
  assert.deepEqual(parseSent(decode(noteBytes(short, 0))), short);
  assert.equal(decode(noteBytes(short, 0)), formatSent(short));
});

Deno.test("SentNotes: after a longer note a shorter one is one write of the old length, read back exactly", async () => {
  await withDir(async (dir) => {
    using notes = new SentNotes(dir, SENT_FILE);
    notes.note(0, [10, 2 ** 40, 2 ** 41]);
    const longLength = (await Deno.stat(`${dir}/${SENT_FILE}`)).size;
    notes.note(5, [7]);
    assert.equal((await Deno.stat(`${dir}/${SENT_FILE}`)).size, longLength);
    assert.deepEqual(await readSentStops(dir, SENT_FILE, 0), [5, 7]);
  });
});

Deno.test("a push loop restarted in the same process ends its first batches where the last noted ones ended", async () => {
  await withDir(async (dir) => {
    await using wal = await openWal(walTestOptions(dir, { segmentSize: 1 << 20 }));
    for (let i = 0; i < 10; i++) {
      wal.append(seqBody(i), 1);
      await wal.flush();
    }
    const view = wal.destination("");
    assert.deepEqual(view.resendStops, []);
    const entries = await view.read(0, { maxBytes: 1 << 20 });
    const ends = [entries[2]!.nextOffset, entries[4]!.nextOffset];
    view.noteSent!(0, ends); // two batches in flight, then the loop failed before any answer
    assert.deepEqual(view.resendStops, [0, ...ends]);
    assert.deepEqual(wal.destination("").resendStops, [0, ...ends]);
    const batcher = createBatcher(view, view.pushPosition, {
      maxSamples: 1000,
      maxBytes: 1 << 20,
      stops: view.resendStops!,
    });
    const got = [];
    for (let b = await batcher.next(); b; b = await batcher.next()) got.push(b.nextOffset);
    assert.deepEqual(got, [...ends, entries.at(-1)!.nextOffset]);
  });
});
